package dev.patchwork.ffmpeg.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The codec configuration a segment's parameter sets are compared by: an hvcC without its info SEI. */
class ParameterSetsTest {

  private static final byte[] VPS = {0x40, 0x01, 0x0c, 0x01};
  private static final byte[] SPS = {0x42, 0x01, 0x01, 0x01, 0x60};
  private static final byte[] PPS = {0x44, 0x01, (byte) 0xc1, 0x72};

  /** An hvcC: a 22-byte header, then VPS, SPS, PPS arrays and, if {@code sei} is given, a prefix SEI array. */
  private static byte[] hvcC(String sei) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(1);
    for (int i = 1; i < 21; i++) b.write(i);
    b.write(0x0f); // lengthSizeMinusOne 3
    b.write(sei == null ? 3 : 4);
    array(b, 32, VPS);
    array(b, 33, SPS);
    array(b, 34, PPS);
    if (sei != null) array(b, 39, ("x265 (build 199) - options: " + sei).getBytes(StandardCharsets.US_ASCII));
    return b.toByteArray();
  }

  private static void array(ByteArrayOutputStream b, int type, byte[] nal) {
    b.write(0x80 | type); // array_completeness 1
    b.write(0);
    b.write(1);
    b.write(nal.length >> 8);
    b.write(nal.length & 0xFF);
    b.writeBytes(nal);
  }

  @Test
  void anHvcCLosesItsInfoSeiAndKeepsHeaderAndParameterSetsByteForByte() {
    byte[] master = hvcC("min-keyint=25 log-level=0 scenecut-bias=0.05");
    byte[] segment = hvcC("min-keyint=1 log-level=2 scenecut-bias=0.00");

    assertThat(master).isNotEqualTo(segment);
    assertThat(ParameterSets.configuration(master, true)).isEqualTo(ParameterSets.configuration(segment, true)).isEqualTo(hvcC(null));
  }

  @Test
  void differentParameterSetsStillDiffer() {
    byte[] other = hvcC("log-level=0");
    other[other.length - ("x265 (build 199) - options: log-level=0").length() - 6] ^= 1; // a PPS byte

    assertThat(ParameterSets.configuration(other, true)).isNotEqualTo(ParameterSets.configuration(hvcC("log-level=0"), true));
  }

  @Test
  void h264AndUnreadableConfigurationsAreComparedAsTheyAre() {
    byte[] avcC = {1, 0x64, 0, 0x1e, (byte) 0xff, (byte) 0xe1, 0, 1, 0x67, 1, 0, 1, 0x68};
    byte[] truncated = java.util.Arrays.copyOf(hvcC("log-level=0"), 40);

    assertThat(ParameterSets.configuration(avcC, false)).isSameAs(avcC);
    assertThat(ParameterSets.configuration(truncated, true)).isSameAs(truncated);
  }
}
