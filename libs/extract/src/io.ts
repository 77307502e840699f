// Reading an image straight into shared memory, for extractSourcesParallel: the file's bytes are read into
// one SharedArrayBuffer and decoded in place (big-endian float32 is byte-swapped where it lies), so the
// image exists once, already visible to the worker threads, instead of as a private copy plus a shared
// one (docs/extract.md, "Memory").
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { FitsError, imageFromHdu, parseFits, readImage, selectImageHdu, type Image } from '@asteris/fits';

/** readImage, with the pixel data in a SharedArrayBuffer (zero-copy for BITPIX −32; others are copied). */
export function readImageShared(path: string, opts: { hdu?: number | string } = {}): Image {
  let fd: number;
  try { fd = openSync(path, 'r'); } catch { return share(readImage(path, opts)); } // readImage words the error
  let bytes: Uint8Array;
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return share(readImage(path, opts)); // a directory, a device…: readImage words the error
    const size = st.size;
    bytes = new Uint8Array(new SharedArrayBuffer(size));
    for (let off = 0; off < size;) {
      const n = readSync(fd, bytes, off, size - off, off);
      if (n <= 0) break;
      off += n;
    }
  } catch (e) {
    if (e instanceof Error && 'code' in e) throw new FitsError(`cannot read (${(e as NodeJS.ErrnoException).code})`, { file: path });
    throw e;
  } finally {
    closeSync(fd);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return share(readImage(path, opts)); // gzip
  const img = imageFromHdu(selectImageHdu(parseFits(bytes, path, true), opts.hdu, path), path);
  return share(img);
}

function share(img: Image): Image {
  if (img.data.buffer instanceof SharedArrayBuffer) return img;
  const d = new Float32Array(new SharedArrayBuffer(img.data.byteLength));
  d.set(img.data);
  return { ...img, data: d };
}
