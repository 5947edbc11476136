package dev.patchwork.ffmpeg.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.ffmpeg.internal.PictureClassifier.Codec;
import dev.patchwork.ffmpeg.internal.PictureClassifier.PacketBytes;
import dev.patchwork.ffmpeg.internal.PictureClassifier.Picture;
import dev.patchwork.ffmpeg.internal.PictureClassifier.Type;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * Hand-assembled bitstreams, bit by bit from the H.264 (7.3.2.8, 7.3.3, D.1.8), HEVC (7.3.1.2) and MPEG-2
 * (6.2.2.6, 6.2.3) syntax, so the expected answer is known independently of the parser.
 */
class PictureClassifierTest {

  // H.264 NAL units: header byte, then RBSP
  static final byte[] H264_AUD = {0x09, (byte) 0xF0};
  static final byte[] H264_SPS = {0x67, 0x42, 0x00, 0x1E, (byte) 0x8D, 0x68};
  /** first_mb_in_slice ue(0) = 1, slice_type ue(7) = 0001000 (I, all slices I), padding. */
  static final byte[] H264_IDR_SLICE = {0x65, (byte) 0x88, (byte) 0x80, 0x12, 0x34};
  static final byte[] H264_I_SLICE = {0x41, (byte) 0x88, (byte) 0x80, 0x12, 0x34};
  /** slice_type ue(5) = 00110 (P). */
  static final byte[] H264_P_SLICE = {0x41, (byte) 0x98, (byte) 0x80, 0x12};
  /** slice_type ue(6) = 00111 (B). */
  static final byte[] H264_B_SLICE = {0x01, (byte) 0x9C, (byte) 0x80};
  /** SEI: payload type 6 (recovery point), size 1: recovery_frame_cnt ue(0), exact_match 0, broken_link 0, idc 00. */
  static final byte[] H264_SEI_RECOVERY = {0x06, 0x06, 0x01, (byte) 0x80, (byte) 0x80};
  /** The same with broken_link_flag = 1: 1 0 1 00 → 1010 0000. */
  static final byte[] H264_SEI_RECOVERY_BROKEN = {0x06, 0x06, 0x01, (byte) 0xA0, (byte) 0x80};
  /** recovery_frame_cnt ue(3) = 00100: gradual decoding refresh, not a random-access point here. */
  static final byte[] H264_SEI_RECOVERY_LATER = {0x06, 0x06, 0x02, 0x20, 0x00, (byte) 0x80};

  @Test
  void h264IdrIsIdr() throws IOException {
    assertThat(classify(Codec.H264, lengthPrefixed(4, H264_AUD, H264_SPS, H264_IDR_SLICE), 4))
        .isEqualTo(new Picture(Type.IDR, 5, false, false));
  }

  @Test
  void h264IWithRecoveryPointSeiIsARecoveryPoint() throws IOException {
    assertThat(classify(Codec.H264, lengthPrefixed(4, H264_SEI_RECOVERY, H264_I_SLICE), 4))
        .isEqualTo(new Picture(Type.RECOVERY_POINT, 1, false, false));
    assertThat(classify(Codec.H264, lengthPrefixed(4, H264_SEI_RECOVERY_BROKEN, H264_I_SLICE), 4).brokenLink()).isTrue();
  }

  @Test
  void h264IWithoutRecoveryPointIsNotARandomAccessPoint() throws IOException {
    assertThat(classify(Codec.H264, lengthPrefixed(4, H264_I_SLICE), 4).type()).isEqualTo(Type.I_ONLY);
    assertThat(classify(Codec.H264, lengthPrefixed(4, H264_SEI_RECOVERY_LATER, H264_I_SLICE), 4).type()).isEqualTo(Type.I_ONLY);
  }

  @Test
  void h264PAndBWithRecoveryPointAreNotPoints() throws IOException {
    // periodic intra refresh puts recovery points on P pictures: not a random-access point at that picture
    assertThat(classify(Codec.H264, lengthPrefixed(4, H264_SEI_RECOVERY, H264_P_SLICE), 4).type()).isEqualTo(Type.OTHER);
    assertThat(classify(Codec.H264, lengthPrefixed(4, H264_B_SLICE), 4).type()).isEqualTo(Type.B);
  }

  @Test
  void h264SeiMessagesAreWalkedPastLargeUserDataWithEmulationPrevention() throws IOException {
    // user_data_unregistered (type 5) of 300 bytes (size coded FF 2D) holding 00 00 03 escapes, then a recovery point
    ByteArrayOutputStream sei = new ByteArrayOutputStream();
    sei.write(0x06);
    sei.write(0x05);
    sei.write(0xFF);
    sei.write(0x2D);
    int written = 0;
    while (written < 300) {
      if (written % 50 == 10 && written + 2 <= 300) {
        sei.write(0);
        sei.write(0);
        sei.write(3); // emulation prevention: not part of the payload
        written += 2;
      } else {
        sei.write('x');
        written++;
      }
    }
    sei.write(0x06);
    sei.write(0x01);
    sei.write(0x80);
    sei.write(0x80);

    assertThat(classify(Codec.H264, lengthPrefixed(4, sei.toByteArray(), H264_I_SLICE), 4).type()).isEqualTo(Type.RECOVERY_POINT);
  }

  @Test
  void h264AnnexBAndTwoByteLengths() throws IOException {
    assertThat(classify(Codec.H264, annexB(H264_AUD, H264_SEI_RECOVERY, H264_I_SLICE), 0).type()).isEqualTo(Type.RECOVERY_POINT);
    assertThat(classify(Codec.H264, lengthPrefixed(2, H264_SPS, H264_IDR_SLICE), 2).type()).isEqualTo(Type.IDR);
  }

  // HEVC: two-byte header (type << 1, layer 0, temporal id + 1)
  static byte[] hevc(int type, int... rest) {
    byte[] b = new byte[2 + Math.max(rest.length, 2)];
    b[0] = (byte) (type << 1);
    b[1] = 0x01;
    b[2] = (byte) 0xAF;
    b[3] = 0x10;
    for (int i = 0; i < rest.length; i++) b[2 + i] = (byte) rest[i];
    return b;
  }

  @Test
  void hevcTypesFromTheFirstVclNal() throws IOException {
    byte[] vps = hevc(32);
    byte[] sei = hevc(39);
    assertThat(classify(Codec.HEVC, lengthPrefixed(4, vps, sei, hevc(21)), 4)).isEqualTo(new Picture(Type.CRA, 21, false, false));
    assertThat(classify(Codec.HEVC, lengthPrefixed(4, hevc(19)), 4).type()).isEqualTo(Type.IDR);
    assertThat(classify(Codec.HEVC, lengthPrefixed(4, hevc(20)), 4).type()).isEqualTo(Type.IDR);
    assertThat(classify(Codec.HEVC, lengthPrefixed(4, hevc(16)), 4).type()).isEqualTo(Type.BLA);
    assertThat(classify(Codec.HEVC, lengthPrefixed(4, hevc(18)), 4).type()).isEqualTo(Type.BLA);
    assertThat(classify(Codec.HEVC, lengthPrefixed(4, hevc(8)), 4).type()).isEqualTo(Type.RASL);
    assertThat(classify(Codec.HEVC, lengthPrefixed(4, hevc(9)), 4).type()).isEqualTo(Type.RASL);
    assertThat(classify(Codec.HEVC, lengthPrefixed(4, hevc(6)), 4).type()).isEqualTo(Type.RADL);
    assertThat(classify(Codec.HEVC, lengthPrefixed(4, hevc(1)), 4).type()).isEqualTo(Type.OTHER);
    assertThat(classify(Codec.HEVC, annexB(vps, hevc(21)), 0).type()).isEqualTo(Type.CRA);
  }

  @Test
  void hevcEnhancementLayersAreIgnored() throws IOException {
    byte[] layer1 = {(byte) (21 << 1), (byte) (1 << 3 | 1), 0x00, 0x00};
    assertThat(classify(Codec.HEVC, lengthPrefixed(4, layer1, hevc(1)), 4).type()).isEqualTo(Type.OTHER);
  }

  // MPEG-2
  static final byte[] SEQUENCE_HEADER = {0, 0, 1, (byte) 0xB3, 0x14, 0x00, (byte) 0xF0, 0x13, (byte) 0xFF, (byte) 0xFF, (byte) 0xE0, 0x18};

  static byte[] gop(boolean closed, boolean broken) {
    // time_code 25 bits (00:00:00:00 with marker bit), closed_gop, broken_link, 5 bits of zero
    return new byte[] {0, 0, 1, (byte) 0xB8, 0x00, 0x08, 0x00, (byte) ((closed ? 0x40 : 0) | (broken ? 0x20 : 0))};
  }

  static byte[] picture(int codingType) {
    return new byte[] {0, 0, 1, 0x00, 0x00, (byte) (codingType << 3), (byte) 0xFF, (byte) 0xF8};
  }

  @Test
  void mpeg2GopHeaderFlags() throws IOException {
    assertThat(classify(Codec.MPEG2, concat(SEQUENCE_HEADER, gop(true, false), picture(1)), 0))
        .isEqualTo(new Picture(Type.GOP_I, -1, true, false));
    assertThat(classify(Codec.MPEG2, concat(SEQUENCE_HEADER, gop(false, false), picture(1)), 0))
        .isEqualTo(new Picture(Type.GOP_I, -1, false, false));
    assertThat(classify(Codec.MPEG2, concat(gop(false, true), picture(1)), 0))
        .isEqualTo(new Picture(Type.GOP_I, -1, false, true));
    assertThat(classify(Codec.MPEG2, concat(SEQUENCE_HEADER, picture(1)), 0).type()).isEqualTo(Type.I_ONLY);
    assertThat(classify(Codec.MPEG2, picture(2), 0).type()).isEqualTo(Type.OTHER);
    assertThat(classify(Codec.MPEG2, picture(3), 0).type()).isEqualTo(Type.B);
  }

  @Test
  void nalLengthSizeFromExtradata() {
    byte[] avcc = {1, 0x64, 0, 0x1F, (byte) 0xFF, (byte) 0xE1, 0, 4, 0x67, 0x64, 0, 0x1F};
    assertThat(PictureClassifier.nalLengthSize(Codec.H264, avcc)).isEqualTo(4);
    avcc[4] = (byte) 0xFD;
    assertThat(PictureClassifier.nalLengthSize(Codec.H264, avcc)).isEqualTo(2);
    byte[] hvcc = new byte[23];
    hvcc[0] = 1;
    hvcc[21] = 0x0F;
    assertThat(PictureClassifier.nalLengthSize(Codec.HEVC, hvcc)).isEqualTo(4);
    assertThat(PictureClassifier.nalLengthSize(Codec.H264, new byte[] {0, 0, 0, 1, 0x67})).isZero();
    assertThat(PictureClassifier.nalLengthSize(Codec.H264, new byte[0])).isZero();
  }

  @Test
  void lengthPrefixedCheckProvesThePacketBoundaries() throws IOException {
    byte[] packet = lengthPrefixed(4, H264_SEI_RECOVERY, H264_I_SLICE);
    assertThat(PictureClassifier.isLengthPrefixed(bytes(packet), 4, Codec.H264)).isTrue();
    // four bytes too early (a container header before the sample) or a size one off: lengths no longer add up
    assertThat(PictureClassifier.isLengthPrefixed(bytes(concat(new byte[] {(byte) 0x81, 0, 0, (byte) 0x80}, packet)), 4, Codec.H264)).isFalse();
    assertThat(PictureClassifier.isLengthPrefixed(bytes(concat(packet, new byte[] {0})), 4, Codec.H264)).isFalse();
  }

  // ---------------------------------------------------------------------------------------------------------

  private static Picture classify(Codec codec, byte[] packet, int lengthSize) throws IOException {
    return PictureClassifier.classify(codec, bytes(packet), lengthSize);
  }

  static PacketBytes bytes(byte[] b) {
    return new PacketBytes() {
      @Override
      public int size() {
        return b.length;
      }

      @Override
      public int read(long offset, byte[] dst, int dstOffset, int len) {
        if (offset >= b.length) return 0;
        int n = (int) Math.min(len, b.length - offset);
        System.arraycopy(b, (int) offset, dst, dstOffset, n);
        return n;
      }
    };
  }

  static byte[] lengthPrefixed(int lengthSize, byte[]... nals) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] nal : nals) {
      for (int i = lengthSize - 1; i >= 0; i--) out.write(nal.length >> (8 * i) & 0xFF);
      out.writeBytes(nal);
    }
    return out.toByteArray();
  }

  static byte[] annexB(byte[]... nals) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] nal : nals) {
      out.writeBytes(new byte[] {0, 0, 0, 1});
      out.writeBytes(nal);
    }
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }
}
