package dev.patchwork.ffmpeg.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.ffmpeg.internal.PictureClassifier.Codec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * SEI NAL units assembled by hand from the H.264 (7.3.2.3, D.1.6) and HEVC (7.3.2.4, D.2.7) syntax: payload type 5,
 * payload size (with 0xFF continuation bytes past 255), a 16-byte UUID, the text, a NUL; emulation prevention added
 * where the bytes demand it.
 */
class EncoderSeiTest {

  static final String X264 = "x264 - core 164 r3191 4613ac3 - H.264/MPEG-4 AVC codec - Copyleft 2003-2024 - "
      + "http://www.videolan.org/x264.html - options: cabac=1 ref=3 deblock=1:0:0 bframes=2 open_gop=1 keyint=24 keyint_min=13 crf=23.0";
  static final String X265 = "x265 (build 199) - 3.5+1-f0c1022b6:[Linux][GCC 11.2.0][64 bit] 8bit+10bit+12bit - H.265/HEVC codec - "
      + "Copyright 2013-2018 (c) Multicoreware, Inc - http://x265.org - options: cpuid=1111039 no-open-gop keyint=25 bframes=4 b-pyramid";

  static final byte[] H264_SPS = {0x67, 0x42, 0x00, 0x1E, (byte) 0x8D, 0x68};
  static final byte[] H264_IDR_SLICE = {0x65, (byte) 0x88, (byte) 0x80, 0x12, 0x34};
  static final byte[] HEVC_VPS = {0x40, 0x01, 0x0C, 0x01};
  static final byte[] HEVC_IDR_SLICE = {0x26, 0x01, (byte) 0xAF, 0x12};

  @Test
  void x264OptionsFromALengthPrefixedPacket() {
    byte[] packet = lengthPrefixed(4, H264_SPS, sei(new byte[] {0x06}, X264), H264_IDR_SLICE);
    EncoderSei.Info info = EncoderSei.find(Codec.H264, packet, packet.length, packet.length);
    assertThat(info).isNotNull();
    assertThat(info.library()).isEqualTo("libx264");
    assertThat(info.build()).isEqualTo("core 164 r3191 4613ac3");
    assertThat(info.options()).isEqualTo("cabac=1 ref=3 deblock=1:0:0 bframes=2 open_gop=1 keyint=24 keyint_min=13 crf=23.0");
    assertThat(info.option("keyint")).isEqualTo("24");
    assertThat(info.option("open_gop")).isEqualTo("1");
    assertThat(info.option("keyint_m")).isNull();
  }

  @Test
  void x264OptionsFromAnAnnexBPacket() {
    byte[] packet = annexB(H264_SPS, sei(new byte[] {0x06}, X264), H264_IDR_SLICE);
    EncoderSei.Info info = EncoderSei.find(Codec.H264, packet, packet.length, packet.length);
    assertThat(info).isNotNull();
    assertThat(info.option("bframes")).isEqualTo("2");
  }

  @Test
  void onlyTheFirstBytesOfALongPacketAreNeeded() {
    byte[] bigSlice = new byte[200_000];
    bigSlice[0] = 0x65;
    java.util.Arrays.fill(bigSlice, 1, bigSlice.length, (byte) 0x55);
    byte[] packet = lengthPrefixed(4, sei(new byte[] {0x06}, X264), bigSlice);
    EncoderSei.Info info = EncoderSei.find(Codec.H264, packet, 4096, packet.length);
    assertThat(info).isNotNull();
    assertThat(info.library()).isEqualTo("libx264");
  }

  @Test
  void x265OptionsFromAPrefixSeiWithItsFlags() {
    byte[] packet = lengthPrefixed(4, HEVC_VPS, sei(new byte[] {0x4E, 0x01}, X265), HEVC_IDR_SLICE);
    EncoderSei.Info info = EncoderSei.find(Codec.HEVC, packet, packet.length, packet.length);
    assertThat(info).isNotNull();
    assertThat(info.library()).isEqualTo("libx265");
    assertThat(info.build()).isEqualTo("3.5+1-f0c1022b6");
    assertThat(info.option("open-gop")).isEqualTo("0");
    assertThat(info.option("b-pyramid")).isEqualTo("1");
    assertThat(info.option("keyint")).isEqualTo("25");
  }

  @Test
  void x265OptionsFromHvcCExtradata() {
    ByteArrayOutputStream hvcc = new ByteArrayOutputStream();
    hvcc.write(1); // configurationVersion
    hvcc.writeBytes(new byte[20]);
    hvcc.write(0xF0 | 3); // lengthSizeMinusOne = 3
    hvcc.write(2); // numOfArrays
    writeArray(hvcc, 32, HEVC_VPS);
    writeArray(hvcc, 39, sei(new byte[] {0x4E, 0x01}, X265));
    byte[] extradata = hvcc.toByteArray();
    EncoderSei.Info info = EncoderSei.findInExtradata(Codec.HEVC, extradata);
    assertThat(info).isNotNull();
    assertThat(info.options()).startsWith("cpuid=1111039").endsWith("b-pyramid");
  }

  @Test
  void otherUserDataAndSlicesFirstAreNotReports() {
    byte[] other = lengthPrefixed(4, sei(new byte[] {0x06}, "Lavc61 libsomething"), H264_IDR_SLICE);
    assertThat(EncoderSei.find(Codec.H264, other, other.length, other.length)).isNull();
    // the SEI of an access unit precedes its first slice; after a slice the search stops
    byte[] late = lengthPrefixed(4, H264_IDR_SLICE, sei(new byte[] {0x06}, X264));
    assertThat(EncoderSei.find(Codec.H264, late, late.length, late.length)).isNull();
    assertThat(EncoderSei.find(Codec.MPEG2, other, other.length, other.length)).isNull();
  }

  @Test
  void emulationPreventionBytesAreRemovedBeforeReading() {
    byte[] nal = sei(new byte[] {0x06}, X264);
    // the UUID holds 00 00 01: in the stream it must be written 00 00 03 01, and read back without the 03
    assertThat(indexOf(nal, new byte[] {0, 0, 3, 1})).isPositive();
    byte[] packet = lengthPrefixed(4, nal, H264_IDR_SLICE);
    assertThat(EncoderSei.find(Codec.H264, packet, packet.length, packet.length).options()).endsWith("crf=23.0");
  }

  @Test
  void parseReadsBuildsAndRejectsOtherText() {
    assertThat(EncoderSei.parse(X264).build()).isEqualTo("core 164 r3191 4613ac3");
    assertThat(EncoderSei.parse("x264 - core 164 - H.264/MPEG-4 AVC codec - options: bframes=0").build()).isEqualTo("core 164");
    assertThat(EncoderSei.parse("Lavc61.19.100 libx264")).isNull();
    assertThat(EncoderSei.parse(null)).isNull();
  }

  // --- assembling -----------------------------------------------------------------------------------------

  /** A user_data_unregistered SEI NAL unit: header, payload type 5, size, UUID (with a 00 00 01 in it), text, NUL, stop bit. */
  static byte[] sei(byte[] header, String text) {
    byte[] uuid = {(byte) 0xDC, 0x45, (byte) 0xE9, (byte) 0xBD, 0x00, 0x00, 0x01, (byte) 0xB7, (byte) 0x96, 0x2C, (byte) 0xD8, 0x20,
        (byte) 0xD9, 0x23, (byte) 0xEE, (byte) 0xEF};
    byte[] t = text.getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    payload.writeBytes(uuid);
    payload.writeBytes(t);
    payload.write(0);
    int size = payload.size();
    ByteArrayOutputStream rbsp = new ByteArrayOutputStream();
    rbsp.write(5);
    int s = size;
    while (s >= 255) {
      rbsp.write(0xFF);
      s -= 255;
    }
    rbsp.write(s);
    rbsp.writeBytes(payload.toByteArray());
    rbsp.write(0x80);
    ByteArrayOutputStream nal = new ByteArrayOutputStream();
    nal.writeBytes(header);
    int zeros = 0;
    for (byte b : rbsp.toByteArray()) {
      if (zeros >= 2 && (b & 0xFF) <= 3) {
        nal.write(3);
        zeros = 0;
      }
      nal.write(b);
      zeros = b == 0 ? zeros + 1 : 0;
    }
    return nal.toByteArray();
  }

  static byte[] lengthPrefixed(int lengthSize, byte[]... nals) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] n : nals) {
      for (int i = lengthSize - 1; i >= 0; i--) out.write(n.length >> (8 * i) & 0xFF);
      out.writeBytes(n);
    }
    return out.toByteArray();
  }

  static byte[] annexB(byte[]... nals) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] n : nals) {
      out.writeBytes(new byte[] {0, 0, 0, 1});
      out.writeBytes(n);
    }
    return out.toByteArray();
  }

  private static void writeArray(ByteArrayOutputStream out, int type, byte[] nal) {
    out.write(0x80 | type);
    out.write(0);
    out.write(1);
    out.write(nal.length >> 8);
    out.write(nal.length & 0xFF);
    out.writeBytes(nal);
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }
}
