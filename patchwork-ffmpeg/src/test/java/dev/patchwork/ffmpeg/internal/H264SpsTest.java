package dev.patchwork.ffmpeg.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class H264SpsTest {

  /** SPS NAL units x264 wrote (taken from ffprobe's extradata dumps of real encodes), behind a start code. */
  private static byte[] annexB(String spsHex) {
    return HexFormat.of().parseHex("00000001" + spsHex + "0000000168ebe08c");
  }

  @Test
  void x264DefaultLeavesTheFrameRateVariable() {
    // High 1.3, 320x240, 24000/1001 timing (num_units_in_tick 1001, time_scale 48000), fixed_frame_rate_flag 0;
    // High 2.0 at 25 fps
    assertThat(H264Sps.fixedFrameRate(annexB("6764000dacd94141fb011000003e90000bb800f1429960"))).contains(false);
    assertThat(H264Sps.fixedFrameRate(annexB("67640014acb20283f6022000007d2000177001e28549"))).contains(false);
  }

  @Test
  void zerolatencyFixesIt() {
    // the same SPS from --tune zerolatency: one bit differs, fixed_frame_rate_flag = 1
    assertThat(H264Sps.fixedFrameRate(annexB("67640014acb20283f6022000007d2000177011e28549"))).contains(true);
  }

  @Test
  void noSpsNoAnswer() {
    assertThat(H264Sps.fixedFrameRate(HexFormat.of().parseHex("0000000168ebe08c"))).isEmpty();
    assertThat(H264Sps.fixedFrameRate(new byte[0])).isEmpty();
  }
}
