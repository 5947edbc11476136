package dev.patchwork.ffmpeg.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.UnsupportedMasterException;
import org.junit.jupiter.api.Test;

class X264OptionsTest {

  /** x264 core 164's option string for ffmpeg -preset medium -crf 18 with open GOPs (as in docs/sidecar.md). */
  static final String MEDIUM = "cabac=1 ref=3 deblock=1:0:0 analyse=0x3:0x113 me=hex subme=7 psy=1 psy_rd=1.00:0.00 "
      + "mixed_ref=1 me_range=16 chroma_me=1 trellis=1 8x8dct=1 cqm=0 deadzone=21,11 fast_pskip=1 chroma_qp_offset=-2 "
      + "threads=12 lookahead_threads=2 sliced_threads=0 nr=0 decimate=1 interlaced=0 bluray_compat=0 constrained_intra=0 "
      + "bframes=2 b_pyramid=2 b_adapt=1 b_bias=0 direct=1 weightb=1 open_gop=1 weightp=2 keyint=48 keyint_min=48 "
      + "scenecut=0 intra_refresh=0 rc_lookahead=40 rc=crf mbtree=1 crf=18.0 qcomp=0.60 qpmin=0 qpmax=69 qpstep=4 "
      + "ip_ratio=1.40 aq=1:1.00";

  private static final X264Options.Context CTX = new X264Options.Context(false, 0, "4.1", false);

  @Test
  void mediumPresetOptionsInTheParsersLanguage() {
    X264Options.Translation t = X264Options.translate(MEDIUM, CTX);
    assertThat(t.preset()).isEqualTo("medium");
    assertThat(t.openGop()).isTrue();
    assertThat(t.keyint()).isEqualTo(48);
    assertThat(t.params()).containsExactly(
        "cabac=1", "ref=3", "deblock=0,0", "partitions=i4x4,i8x8,p8x8,b8x8", "me=hex", "subme=7", "psy=1", "psy-rd=1.00,0.00",
        "mixed-refs=1", "merange=16", "chroma-me=1", "trellis=1", "8x8dct=1", "cqm=flat", "deadzone-inter=21",
        "deadzone-intra=11", "fast-pskip=1", "chroma-qp-offset=0", "nr=0", "dct-decimate=1", "interlaced=0", "bluray-compat=0",
        "constrained-intra=0", "bframes=2", "b-pyramid=2", "b-adapt=1", "b-bias=0", "direct=spatial", "weightb=1", "open-gop=1",
        "weightp=2", "keyint=48", "keyint-min=1", "scenecut=0", "intra-refresh=0", "rc-lookahead=40", "mbtree=1", "crf=18.0",
        "qcomp=0.60", "qpmin=0", "qpmax=69", "qpstep=4", "ipratio=1.40", "aq-mode=1", "aq-strength=1.00", "chromaloc=0",
        "level=4.1");
    assertThat(t.joined()).doesNotContain("::").startsWith("cabac=1:ref=3:deblock=0,0:");
  }

  @Test
  void withoutPrefixOrWithTheSeiText() {
    String sei = "x264 - core 164 - H.264/MPEG-4 AVC codec - Copyleft 2003-2023 - http://www.videolan.org/x264.html - options: "
        + MEDIUM + "\u0000\u0080";
    assertThat(X264Options.translate(sei, CTX)).isEqualTo(X264Options.translate(MEDIUM, CTX));
  }

  @Test
  void closedGopKeepsKeyintMin() {
    X264Options.Translation t = X264Options.translate(MEDIUM.replace("open_gop=1", "open_gop=0"), CTX);
    assertThat(t.openGop()).isFalse();
    assertThat(t.params()).contains("keyint-min=48", "open-gop=0");
  }

  @Test
  void chromaQpOffsetUndoesX264sOwnAdjustments() {
    // psy-rd 1.0 at subme >= 6 lowers it by 2; psy-trellis 0.15 (with trellis) by 1 more; 4:4:4 with psy raises it by 6
    assertThat(X264Options.userChromaQpOffset(-2, true, 1.0, 0.0, 7, 1, false)).isZero();
    assertThat(X264Options.userChromaQpOffset(-3, true, 1.0, 0.15, 7, 1, false)).isZero();
    assertThat(X264Options.userChromaQpOffset(4, true, 1.0, 0.0, 7, 1, true)).isZero();
    // psy-rd is inactive below subme 6, psy-trellis without trellis, and nothing applies without psy
    assertThat(X264Options.userChromaQpOffset(0, true, 1.0, 0.15, 5, 0, false)).isZero();
    assertThat(X264Options.userChromaQpOffset(3, false, 0, 0, 7, 1, false)).isEqualTo(3);
    // weak psy-rd (< 0.25) costs 1
    assertThat(X264Options.userChromaQpOffset(-1, true, 0.2, 0.0, 9, 2, false)).isZero();
  }

  @Test
  void ultrafastHasNoIntraPartitionsAndNoLookahead() {
    String ultrafast = "cabac=0 ref=1 deblock=0:0:0 analyse=0:0 me=dia subme=0 psy=1 psy_rd=1.00:0.00 mixed_ref=0 me_range=16 "
        + "chroma_me=1 trellis=0 8x8dct=0 cqm=0 deadzone=21,11 fast_pskip=1 chroma_qp_offset=0 threads=3 lookahead_threads=1 "
        + "sliced_threads=0 nr=0 decimate=1 interlaced=0 bluray_compat=0 constrained_intra=0 bframes=0 weightp=0 keyint=250 "
        + "keyint_min=25 scenecut=0 intra_refresh=0 rc=crf mbtree=0 crf=23.0 qcomp=0.60 qpmin=0 qpmax=69 qpstep=4 ip_ratio=1.40 aq=0";
    X264Options.Translation t = X264Options.translate(ultrafast, new X264Options.Context(false, 0, null, false));
    assertThat(t.preset()).isEqualTo("ultrafast");
    assertThat(t.params()).contains("no-deblock=1", "partitions=none", "aq-mode=0", "rc-lookahead=0", "chroma-qp-offset=0")
        .noneMatch(p -> p.startsWith("level=") || p.startsWith("aq-strength"));
  }

  @Test
  void bitRateModesCarryBitrateAndVbv() {
    String abr = MEDIUM.replace("rc=crf mbtree=1 crf=18.0", "rc=abr mbtree=1 bitrate=2000 ratetol=1.0")
        .replace("ip_ratio=1.40", "vbv_maxrate=3000 vbv_bufsize=4000 nal_hrd=vbr filler=0 ip_ratio=1.40");
    assertThat(X264Options.translate(abr, CTX).params()).contains("bitrate=2000", "ratetol=1.0", "vbv-maxrate=3000",
        "vbv-bufsize=4000", "nal-hrd=vbr", "filler=0").noneMatch(p -> p.startsWith("crf="));
    String cqp = MEDIUM.replace("rc=crf mbtree=1 crf=18.0 qcomp=0.60 qpmin=0 qpmax=69 qpstep=4", "rc=cqp mbtree=0 qp=0");
    assertThat(X264Options.translate(cqp, CTX).params()).contains("qp=0", "mbtree=0");
  }

  @Test
  void slicedThreadsKeepTheirSliceCount() {
    String sliced = MEDIUM.replace("threads=12 lookahead_threads=2 sliced_threads=0", "threads=4 lookahead_threads=1 sliced_threads=1");
    assertThat(X264Options.translate(sliced, CTX).params()).contains("sliced-threads=1", "threads=4");
    assertThat(X264Options.translate(MEDIUM, CTX).params()).noneMatch(p -> p.startsWith("threads="));
  }

  @Test
  void refusesWhatCannotBeReproduced() {
    assertRefused(MEDIUM.replace("cqm=0", "cqm=2"), "custom quantiser matrices");
    assertRefused(MEDIUM.replace("intra_refresh=0", "intra_refresh=1"), "intra refresh");
    assertRefused(MEDIUM.replace("interlaced=0", "interlaced=tff"), "interlaced");
    assertRefused(MEDIUM + " frobnicate=3", "frobnicate=3");
    assertRefused(MEDIUM.replace("rc=crf", "rc=magic"), "rc=magic");
    assertRefused(MEDIUM.replace(" crf=18.0", ""), "without its value");
    assertRefused("keyint=48", "cabac");
    assertRefused(MEDIUM + " zones=0,100,q=20", "zones");
  }

  private static void assertRefused(String options, String why) {
    assertThatThrownBy(() -> X264Options.translate(options, CTX)).isInstanceOf(UnsupportedMasterException.class)
        .hasMessageContaining(why);
  }
}
