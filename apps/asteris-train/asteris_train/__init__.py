"""ASTERIS trainer: reference architecture, Noise2Noise half-split training, ONNX export."""
__version__ = '0.1.0'
