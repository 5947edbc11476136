package dev.patchwork.ffmpeg.internal;

/** Reads bits and Exp-Golomb codes from an RBSP (emulation prevention already removed). */
final class BitReader {
  private final byte[] data;
  private final int end;
  private long bit;

  BitReader(byte[] data, int offset, int length) {
    this.data = data;
    this.bit = (long) offset * 8;
    this.end = offset + length;
  }

  /** The next bit's position, counted from the start of the array. */
  long position() {
    return bit;
  }

  boolean hasBits(int n) {
    return bit + n <= (long) end * 8;
  }

  int u(int n) {
    if (n < 0 || n > 31) throw new IllegalArgumentException("bits: " + n);
    if (!hasBits(n)) throw new IndexOutOfBoundsException("read past the end of the RBSP");
    int v = 0;
    for (int i = 0; i < n; i++) {
      int b = data[(int) (bit >>> 3)] >> (7 - (int) (bit & 7)) & 1;
      v = v << 1 | b;
      bit++;
    }
    return v;
  }

  /** Signed Exp-Golomb {@code se(v)}. */
  long se() {
    long k = ue();
    return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
  }

  /** Unsigned Exp-Golomb {@code ue(v)}. */
  long ue() {
    int zeros = 0;
    while (u(1) == 0) {
      if (++zeros > 31) throw new IllegalStateException("Exp-Golomb code longer than 32 bits");
    }
    if (zeros == 0) return 0;
    return (1L << zeros) - 1 + u(zeros);
  }

  /**
   * Adds emulation prevention bytes to an RBSP ({@code 00 00 0x} with x ≤ 3 → {@code 00 00 03 0x}, and a trailing
   * {@code 00} is followed by {@code 03}): the inverse of {@link #unescape}.
   */
  static byte[] escape(byte[] rbsp, int length) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(length + length / 64 + 4);
    int zeros = 0;
    for (int i = 0; i < length; i++) {
      int b = rbsp[i] & 0xFF;
      if (zeros >= 2 && b <= 3) {
        out.write(3);
        zeros = 0;
      }
      out.write(b);
      zeros = b == 0 ? zeros + 1 : 0;
    }
    if (zeros > 0) out.write(3);
    return out.toByteArray();
  }

  /**
   * Copies a NAL unit's payload without its emulation prevention bytes ({@code 00 00 03} → {@code 00 00}).
   *
   * @return the number of bytes written to {@code out}
   */
  static int unescape(byte[] in, int offset, int length, byte[] out) {
    int n = 0;
    int zeros = 0;
    for (int i = offset; i < offset + length && n < out.length; i++) {
      int b = in[i] & 0xFF;
      if (zeros >= 2 && b == 3) {
        zeros = 0;
        continue;
      }
      out[n++] = (byte) b;
      zeros = b == 0 ? zeros + 1 : 0;
    }
    return n;
  }
}
