package dev.patchwork.ffmpeg.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.UnsupportedMasterException;
import org.junit.jupiter.api.Test;

class X265OptionsTest {

  /** The option string x265 build 192 (the bundled ffmpeg 7.1's) writes for -preset ultrafast, keyint 24. */
  static final String BUILD_192 = "cpuid=1111039 frame-threads=1 wpp no-pmode no-pme no-psnr no-ssim log-level=0 bitdepth=8 "
      + "input-csp=1 fps=25/1 input-res=320x240 interlace=0 total-frames=0 level-idc=0 high-tier=1 uhd-bd=0 ref=1 "
      + "no-allow-non-conformance no-repeat-headers annexb no-aud no-hrd info hash=0 no-temporal-layers open-gop min-keyint=24 "
      + "keyint=24 gop-lookahead=0 bframes=3 b-adapt=0 b-pyramid bframe-bias=0 rc-lookahead=5 lookahead-slices=0 scenecut=0 "
      + "hist-scenecut=0 radl=0 no-splice no-intra-refresh ctu=32 min-cu-size=16 no-rect no-amp max-tu-size=32 tu-inter-depth=1 "
      + "tu-intra-depth=1 limit-tu=0 rdoq-level=0 dynamic-rd=0.00 no-ssim-rd no-signhide no-tskip nr-intra=0 nr-inter=0 "
      + "no-constrained-intra strong-intra-smoothing max-merge=2 limit-refs=0 no-limit-modes me=0 subme=0 merange=57 temporal-mvp "
      + "no-frame-dup no-hme no-weightp no-weightb no-analyze-src-pics deblock=0:0 no-sao no-sao-non-deblock rd=2 selective-sao=0 "
      + "early-skip rskip fast-intra no-tskip-fast no-cu-lossless no-b-intra no-splitrd-skip rdpenalty=0 psy-rd=2.00 "
      + "psy-rdoq=0.00 no-rd-refine no-lossless cbqpoffs=0 crqpoffs=0 rc=crf crf=28.0 qcomp=0.60 qpstep=4 stats-write=0 "
      + "stats-read=0 ipratio=1.40 pbratio=1.30 aq-mode=1 aq-strength=0.00 cutree zone-count=0 no-strict-cbr qg-size=32 "
      + "no-rc-grain qpmax=69 qpmin=0 no-const-vbv sar=1 overscan=0 videoformat=5 range=0 colorprim=2 transfer=2 colormatrix=2 "
      + "chromaloc=0 display-window=0 cll=0,0 min-luma=0 max-luma=255 log2-max-poc-lsb=8 vui-timing-info vui-hrd-info slices=1 "
      + "no-opt-qp-pps no-opt-ref-list-length-pps no-multi-pass-opt-rps scenecut-bias=0.05 hist-threshold=0.01 "
      + "no-opt-cu-delta-qp no-aq-motion no-hdr10 no-hdr10-opt no-dhdr10-opt no-idr-recovery-sei analysis-reuse-level=0 "
      + "analysis-save-reuse-level=0 analysis-load-reuse-level=0 scale-factor=0 refine-intra=0 refine-inter=0 refine-mv=1 "
      + "refine-ctu-distortion=0 no-limit-sao ctu-info=0 no-lowpass-dct refine-analysis-type=0 copy-pic=1 max-ausize-factor=1.0 "
      + "no-dynamic-refine no-single-sei no-hevc-aq no-svt no-field qp-adaptation-range=1.00 "
      + "no-scenecut-aware-qpconformance-window-offsets right=0 bottom=0 decoder-max-rate=0";

  @Test
  void passesTheEncodingOptionsAsKeyValuePairs() {
    X265Options.Translation t = X265Options.translate(BUILD_192);
    assertThat(t.openGop()).isTrue();
    assertThat(t.params()).contains("wpp=1", "ref=1", "no-repeat-headers=1", "info=1", "open-gop=1", "keyint=24", "bframes=3",
        "b-pyramid=1", "ctu=32", "min-cu-size=16", "deblock=0,0", "no-sao=1", "crf=28.0", "aq-strength=0.00", "cutree=1",
        "sar=1", "log2-max-poc-lsb=8", "vui-timing-info=1", "no-scenecut-aware-qp=1", "level-idc=0");
    assertThat(t.params()).allMatch(p -> p.contains("=") && !p.contains(":"));
  }

  @Test
  void dropsMachineInputAndColourOptions() {
    assertThat(X265Options.translate(BUILD_192).params()).noneMatch(p -> p.matches(
        "(cpuid|frame-threads|no-pmode|no-pme|no-psnr|no-ssim|log-level|bitdepth|input-csp|fps|input-res|total-frames|annexb|rc"
            + "|stats-write|stats-read|zone-count|videoformat|range|colorprim|transfer|colormatrix|chromaloc|display-window|cll"
            + "|copy-pic|no-svt|right|bottom|conformance-window-offsets|no-splice|decoder-max-rate|overscan)=.*"));
  }

  @Test
  void keyFramesOnlyWhereForced() {
    assertThat(X265Options.translate(BUILD_192).params()).contains("min-keyint=1", "scenecut=0", "hist-scenecut=0");
    String closed = BUILD_192.replace(" open-gop ", " no-open-gop ");
    X265Options.Translation t = X265Options.translate(closed);
    assertThat(t.openGop()).isFalse();
    assertThat(t.params()).contains("min-keyint=24", "no-open-gop=1");
  }

  @Test
  void ratiosComeAfterStrictCbr() {
    // x265 resets pbratio to 1.0 whenever it parses strict-cbr
    var params = X265Options.translate(BUILD_192).params();
    assertThat(params.indexOf("pbratio=1.30")).isGreaterThan(params.indexOf("no-strict-cbr=1"));
  }

  @Test
  void multiWordEntriesAreJoined() {
    String s = BUILD_192.replace("sar=1", "sar=255 sar-width : sar-height=64:45")
        .replace("chromaloc=0", "chromaloc=1 chromaloc-top=2 chromaloc-bottom=2")
        .replace("display-window=0", "display-window=1 left=0 top=8 right=0 bottom=8")
        .replace("overscan=0", "overscan=1 overscan-crop=1")
        .replace("cll=0,0", "cll=1000,400");
    assertThat(X265Options.translate(s).params()).contains("sar=64\\:45", "chromaloc=2", "display-window=0,8,0,8", "overscan=crop",
        "max-cll=1000,400");
  }

  @Test
  void refusesInterlacedAndZones() {
    assertThatThrownBy(() -> X265Options.translate(BUILD_192.replace("interlace=0", "interlace=1")))
        .isInstanceOf(UnsupportedMasterException.class).hasMessageContaining("interlaced");
    assertThatThrownBy(() -> X265Options.translate(BUILD_192.replace("zone-count=0", "zone-count=1 zones: start-frame=0 end-frame=9")))
        .isInstanceOf(UnsupportedMasterException.class).hasMessageContaining("zones");
    assertThatThrownBy(() -> X265Options.translate("cabac=1 ref=3")).isInstanceOf(UnsupportedMasterException.class)
        .hasMessageContaining("keyint");
  }
}
