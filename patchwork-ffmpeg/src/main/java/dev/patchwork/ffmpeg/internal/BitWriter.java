package dev.patchwork.ffmpeg.internal;

import java.util.Arrays;

/** Writes bits and Exp-Golomb codes into an RBSP (emulation prevention is added afterwards). */
final class BitWriter {
  private byte[] data = new byte[64];
  private long bit;

  void u(int n, long value) {
    if (n < 0 || n > 32) throw new IllegalArgumentException("bits: " + n);
    for (int i = n - 1; i >= 0; i--) bit((int) (value >>> i) & 1);
  }

  void bit(int b) {
    int index = (int) (bit >>> 3);
    if (index >= data.length) data = Arrays.copyOf(data, data.length * 2);
    if (b != 0) data[index] |= (byte) (0x80 >>> (int) (bit & 7));
    bit++;
  }

  /** Unsigned Exp-Golomb {@code ue(v)}. */
  void ue(long value) {
    if (value < 0) throw new IllegalArgumentException("ue(v) of " + value);
    long v = value + 1;
    int bits = 64 - Long.numberOfLeadingZeros(v);
    u(bits - 1, 0);
    u(bits, v);
  }

  /** Signed Exp-Golomb {@code se(v)}. */
  void se(long value) {
    ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  /** Copies bits {@code [from, to)} of {@code src}. */
  void copy(byte[] src, long from, long to) {
    for (long i = from; i < to; i++) bit(src[(int) (i >>> 3)] >> (7 - (int) (i & 7)) & 1);
  }

  boolean aligned() {
    return (bit & 7) == 0;
  }

  long position() {
    return bit;
  }

  /** The bytes written so far; a last partial byte is padded with zero bits. */
  byte[] toByteArray() {
    return Arrays.copyOf(data, (int) ((bit + 7) >>> 3));
  }
}
