// The FFT lives in @asteris/core (the project's one FFT, issue 16); this path is kept for existing imports.
export { fft1d, fft2d, fftColumns, fftRows, isPow2, nextPow2 } from '@asteris/core';
