/**
 * A fast, well-mixed 32-bit string hash: FNV-1a over UTF-16 code units,
 * finished with MurmurHash3's `fmix32` so that similar keys (`user-1`,
 * `user-2`) spread evenly over the range. Not cryptographic: for sampling and
 * bucketing only.
 *
 * @returns an unsigned 32-bit integer.
 */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
