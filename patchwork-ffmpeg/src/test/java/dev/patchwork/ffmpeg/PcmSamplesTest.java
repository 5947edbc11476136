package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.time.FrameRate;
import org.junit.jupiter.api.Test;

class PcmSamplesTest {

  @Test
  void wholeSamplesPerFrame() {
    // 48 kHz: 24 fps = 2000, 25 fps = 1920, 23.976 = 48000 * 1001 / 24000 = 2002 samples a frame
    assertThat(PcmSamples.startOf(1, FrameRate.FPS_24, 48000)).isEqualTo(2000);
    assertThat(PcmSamples.startOf(1, FrameRate.FPS_25, 48000)).isEqualTo(1920);
    assertThat(PcmSamples.startOf(1, FrameRate.FPS_23_976, 48000)).isEqualTo(2002);
    assertThat(PcmSamples.startOf(46, FrameRate.FPS_23_976, 48000)).isEqualTo(46 * 2002);
    assertThat(PcmSamples.count(46, 142, FrameRate.FPS_23_976, 48000)).isEqualTo(96 * 2002);
  }

  @Test
  void ntsc2997CadenceRoundsFromFrameZero() {
    // 1601.6 samples a frame: starts 0, 1601.6, 3203.2, 4804.8, 6406.4, 8008 round to 0, 1602, 3203, 4805, 6406, 8008
    FrameRate r = FrameRate.FPS_29_97;
    long[] starts = new long[6];
    for (int f = 0; f <= 5; f++) starts[f] = PcmSamples.startOf(f, r, 48000);
    assertThat(starts).containsExactly(0, 1602, 3203, 4805, 6406, 8008);
    assertThat(PcmSamples.count(0, 1, r, 48000)).isEqualTo(1602);
    assertThat(PcmSamples.count(1, 2, r, 48000)).isEqualTo(1601);
    // the cadence repeats every 5 frames: 8008 samples
    assertThat(PcmSamples.count(1000, 1005, r, 48000)).isEqualTo(8008);
  }

  @Test
  void piecesAddUpToTheWhole() {
    FrameRate r = FrameRate.FPS_29_97;
    long whole = PcmSamples.count(7, 1003, r, 44100);
    long pieces = PcmSamples.count(7, 100, r, 44100) + PcmSamples.count(100, 101, r, 44100) + PcmSamples.count(101, 1003, r, 44100);
    assertThat(pieces).isEqualTo(whole);
  }

  @Test
  void halvesRoundUp() {
    // 24 fps at 44.1 kHz: 1837.5 samples a frame, so frame 1 starts at sample 1838 and frame 2 at 3675
    assertThat(PcmSamples.startOf(1, FrameRate.FPS_24, 44100)).isEqualTo(1838);
    assertThat(PcmSamples.startOf(2, FrameRate.FPS_24, 44100)).isEqualTo(3675);
  }

  @Test
  void twoHourMasterStaysExact() {
    long frames = 2L * 3600 * 24000 / 1001; // 172 627 frames at 23.976
    assertThat(PcmSamples.startOf(frames, FrameRate.FPS_23_976, 192000)).isEqualTo(frames * 8008);
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> PcmSamples.startOf(-1, FrameRate.FPS_25, 48000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PcmSamples.startOf(1, FrameRate.FPS_25, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PcmSamples.count(5, 4, FrameRate.FPS_25, 48000)).isInstanceOf(IllegalArgumentException.class);
  }
}
