package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Levels as the codecs write them, against the tables of H.264 (A.3), HEVC (A.4: level_idc = 30 × level) and MPEG-2 (8.2). */
class SidecarFactsTest {

  @Test
  void levelsAreWrittenAsTheCodecNamesThem() {
    assertThat(SidecarFacts.level("h264", 41)).isEqualTo("4.1");
    assertThat(SidecarFacts.level("h264", 30)).isEqualTo("3.0");
    assertThat(SidecarFacts.level("h264", 9)).isEqualTo("1b");
    assertThat(SidecarFacts.level("hevc", 153)).isEqualTo("5.1");
    assertThat(SidecarFacts.level("hevc", 120)).isEqualTo("4.0");
    assertThat(SidecarFacts.level("hevc", 93)).isEqualTo("3.1");
    assertThat(SidecarFacts.level("mpeg2video", 4)).isEqualTo("High");
    assertThat(SidecarFacts.level("mpeg2video", 8)).isEqualTo("Main");
    assertThat(SidecarFacts.level("prores", -1)).isNull();
    assertThat(SidecarFacts.level("dnxhd", 0)).isNull();
  }

  @Test
  void sizesForPeople() {
    assertThat(FfmpegAdopter.bytesText(999)).isEqualTo("999 bytes");
    assertThat(FfmpegAdopter.bytesText(1_000)).isEqualTo("1.0 KB");
    assertThat(FfmpegAdopter.bytesText(2_548_065_396L)).isEqualTo("2.5 GB");
    assertThat(FfmpegAdopter.bytesText(340_000_000L)).isEqualTo("340 MB");
    assertThat(FfmpegAdopter.bytesText(200_000_000_000L)).isEqualTo("200 GB");
  }
}
