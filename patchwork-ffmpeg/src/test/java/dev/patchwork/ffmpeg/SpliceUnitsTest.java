package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.time.FrameRate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The splice's small pure parts: time math, the ffconcat script, the bridge's bit edits, box scanning, error sets. */
class SpliceUnitsTest {

  @TempDir Path tmp;

  @Test
  void theEngineIsFoundAsTheServiceOfThisModule() {
    assertThat(java.util.ServiceLoader.load(dev.patchwork.spi.PatchEngine.class).stream().map(p -> p.type().getName()))
        .contains(FfmpegPatchEngine.class.getName());
    assertThat(new FfmpegPatchEngine().name()).isEqualTo("ffmpeg");
  }

  // --- time ----------------------------------------------------------------------------------------------

  @Test
  void microsecondsRoundTheWayEachUseNeeds() {
    TimeBase mp4 = new TimeBase(1, 12800);
    assertThat(SpliceTime.ceilMicros(512, mp4)).isEqualTo(40_000);
    assertThat(SpliceTime.floorMicros(512, mp4)).isEqualTo(40_000);
    TimeBase ntsc = new TimeBase(1, 24000);
    // frame 1 of 23.976 fps: 1001/24000 s = 41708.333… µs
    assertThat(SpliceTime.ceilMicros(1001, ntsc)).isEqualTo(41_709);
    assertThat(SpliceTime.floorMicros(1001, ntsc)).isEqualTo(41_708);
    assertThat(SpliceTime.ceilMicros(-1001, ntsc)).isEqualTo(-41_708);
    assertThat(SpliceTime.floorMicros(-1001, ntsc)).isEqualTo(-41_709);
    assertThat(SpliceTime.isAfter(41_709, 1001, ntsc)).isTrue();
    assertThat(SpliceTime.isAfter(41_708, 1001, ntsc)).isFalse();
  }

  @Test
  void secondsTextIsLocaleFree() {
    assertThat(SpliceTime.seconds(3_900_000)).isEqualTo("3.900000");
    assertThat(SpliceTime.seconds(41_709)).isEqualTo("0.041709");
    assertThat(SpliceTime.seconds(-40_000)).isEqualTo("-0.040000");
    assertThat(SpliceTime.seconds(0)).isEqualTo("0.000000");
  }

  @Test
  void frameTicksAndSampleBoundaries() {
    assertThat(SpliceTime.frameTicks(FrameRate.FPS_25, new TimeBase(1, 12800))).isEqualTo(512);
    assertThat(SpliceTime.frameTicks(FrameRate.FPS_23_976, new TimeBase(1, 1000))).isEqualTo(41);
    assertThat(SpliceTime.frameTicks(FrameRate.FPS_25, new TimeBase(1, 25))).isEqualTo(1);
    // 29.97 fps at 48 kHz: 1601.6 samples a frame, a 1602/1601 cadence that never drifts, rounded as the renderer's
    assertThat(List.of(0L, 1L, 2L, 3L, 4L, 5L).stream().map(f -> SpliceTime.sampleOfFrame(f, FrameRate.FPS_29_97, 48000)))
        .containsExactly(0L, 1602L, 3203L, 4805L, 6406L, 8008L);
    for (long f = 0; f < 3000; f++) {
      assertThat(SpliceTime.sampleOfFrame(f, FrameRate.FPS_59_94, 44100)).isEqualTo(PcmSamples.startOf(f, FrameRate.FPS_59_94, 44100));
    }
    assertThat(SpliceTime.sampleOfFrame(30_000, FrameRate.FPS_29_97, 48000)).isEqualTo(48_048_000L);
    assertThat(SpliceTime.sampleOfFrame(25, FrameRate.FPS_25, 48000)).isEqualTo(48000);
  }

  // --- ffconcat --------------------------------------------------------------------------------------------

  @Test
  void concatScriptQuotesPathsAndWritesWholeMicroseconds() throws IOException {
    ConcatScript s = new ConcatScript();
    Path odd = tmp.resolve("it's a Mäster 名前.mov");
    s.add(odd, 0L, 3_920_000L, 4_000_000L);
    s.add(tmp.resolve("seg.mov"), null, null, 1_000_000L);
    String text = s.text();
    assertThat(text).startsWith("ffconcat version 1.0\n")
        .contains("file '" + tmp.toAbsolutePath() + "/it'\\''s a Mäster 名前.mov'\ninpoint 0.000000\noutpoint 3.920000\nduration 4.000000\n")
        .contains("seg.mov'\nduration 1.000000\n");
    Path list = tmp.resolve("list.ffconcat");
    s.write(list);
    assertThat(Files.readString(list)).isEqualTo(text);
  }

  // --- bridge edits --------------------------------------------------------------------------------------

  @Test
  void mpeg2TemporalReferencesDropByTheLeadingPicturesAndTheGopBecomesClosed() {
    // a GOP header (time code 10:00:00:00, closed_gop 0, broken_link 0) and three picture headers: I (tr 2), P (tr 5), B (tr 3)
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(new byte[] {0, 0, 1, (byte) 0xB3, 0x14, 0x00, (byte) 0xF0, 0x13}); // sequence header start (untouched)
    b.writeBytes(new byte[] {0, 0, 1, (byte) 0xB8, 0x50, 0x00, 0x08, 0x00});
    b.writeBytes(picture(2, 1));
    b.writeBytes(new byte[] {0x12, 0x34});
    b.writeBytes(picture(5, 2));
    b.writeBytes(picture(3, 3));
    byte[] d = b.toByteArray();

    int pictures = SeamBridge.fixMpeg2(d, 2, true);

    assertThat(pictures).isEqualTo(3);
    assertThat(d[8 + 7] & 0x40).as("closed_gop").isEqualTo(0x40);
    assertThat(d[8 + 7] & 0x20).as("broken_link untouched").isZero();
    assertThat(temporalReferences(d)).containsExactly(0, 3, 1);
    assertThat(pictureTypes(d)).containsExactly(1, 2, 3);
  }

  @Test
  void mpeg2TemporalReferencesWrapAround() {
    byte[] d = picture(1, 3);
    SeamBridge.fixMpeg2(d, 2, false);
    assertThat(temporalReferences(d)).containsExactly(1023);
  }

  private static byte[] picture(int temporalReference, int codingType) {
    // picture_start_code, temporal_reference (10 bits), picture_coding_type (3 bits), vbv_delay (16 bits, here all ones)
    return new byte[] {0, 0, 1, 0, (byte) (temporalReference >> 2), (byte) ((temporalReference & 3) << 6 | codingType << 3 | 0x07),
        (byte) 0xFF, (byte) 0xF8};
  }

  private static List<Integer> temporalReferences(byte[] d) {
    java.util.ArrayList<Integer> out = new java.util.ArrayList<>();
    for (int j = 0; j + 5 < d.length; j++) {
      if (d[j] == 0 && d[j + 1] == 0 && d[j + 2] == 1 && d[j + 3] == 0) out.add((d[j + 4] & 0xFF) << 2 | (d[j + 5] & 0xFF) >> 6);
    }
    return out;
  }

  private static List<Integer> pictureTypes(byte[] d) {
    java.util.ArrayList<Integer> out = new java.util.ArrayList<>();
    for (int j = 0; j + 5 < d.length; j++) {
      if (d[j] == 0 && d[j + 1] == 0 && d[j + 2] == 1 && d[j + 3] == 0) out.add((d[j + 5] >> 3) & 7);
    }
    return out;
  }

  @Test
  void hevcCraSlicesBecomeBlaAndNothingElseChanges() throws IOException {
    byte[] sei = nal(39, 5);
    byte[] cra1 = nal(21, 9);
    byte[] cra2 = nal(21, 4);
    ByteBuffer au = ByteBuffer.allocate(sei.length + cra1.length + cra2.length);
    au.put(sei).put(cra1).put(cra2);
    byte[] data = au.array();
    byte[] before = data.clone();

    assertThat(SeamBridge.retypeCraSlices(data, 4)).isEqualTo(2);

    int crA = sei.length + 4;
    int crB = sei.length + cra1.length + 4;
    assertThat((data[crA] >> 1) & 0x3F).isEqualTo(16);
    assertThat((data[crB] >> 1) & 0x3F).isEqualTo(16);
    int changed = 0;
    for (int i = 0; i < data.length; i++) if (data[i] != before[i]) changed++;
    assertThat(changed).as("one byte per slice").isEqualTo(2);
    assertThat(data[crA] & 0x81).isEqualTo(before[crA] & 0x81);
  }

  @Test
  void hevcNalLengthsThatDoNotAddUpAreRefused() {
    byte[] data = nal(21, 9);
    data[3] = 50;
    assertThatThrownBy(() -> SeamBridge.retypeCraSlices(data, 4)).isInstanceOf(IOException.class);
  }

  /** A length-prefixed NAL unit: 4-byte length, 2-byte header of {@code type} (layer 0, tid 1), payload bytes. */
  private static byte[] nal(int type, int payload) {
    ByteBuffer b = ByteBuffer.allocate(4 + 2 + payload);
    b.putInt(2 + payload).put((byte) (type << 1)).put((byte) 1);
    for (int i = 0; i < payload; i++) b.put((byte) (0x55 + i));
    return b.array();
  }

  // --- QuickTime boxes -----------------------------------------------------------------------------------

  @Test
  void moovBeforeMdatMeansFaststart() throws IOException {
    Path fast = Files.write(tmp.resolve("fast.mp4"), boxes("ftyp", 16, "moov", 40, "mdat", 100));
    Path slow = Files.write(tmp.resolve("slow.mp4"), boxes("ftyp", 16, "free", 8, "mdat", 100, "moov", 40));
    assertThat(Splicer.moovFirst(fast)).isTrue();
    assertThat(Splicer.moovFirst(slow)).isFalse();
  }

  @Test
  void largeBoxSizesAreFollowed() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(boxes("ftyp", 16));
    // mdat with a 64-bit size: size field 1, type, largesize
    ByteBuffer large = ByteBuffer.allocate(16 + 8).putInt(1).put("mdat".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).putLong(24);
    b.writeBytes(large.array());
    b.writeBytes(boxes("moov", 12));
    assertThat(Splicer.moovFirst(Files.write(tmp.resolve("large.mov"), b.toByteArray()))).isFalse();
  }

  private static byte[] boxes(Object... typeAndSize) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < typeAndSize.length; i += 2) {
      int size = (Integer) typeAndSize[i + 1];
      ByteBuffer box = ByteBuffer.allocate(size).putInt(size).put(((String) typeAndSize[i]).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      b.writeBytes(box.array());
    }
    return b.toByteArray();
  }

  // --- verification helpers ------------------------------------------------------------------------------

  @Test
  void decoderMessagesTheMasterAlsoPrintsAreNotCountedAgainstTheOutput() {
    List<String> master = List.of("[h264 @ 0x55aa] mmco: unref short failure", "[h264 @ 0x55aa] mmco: unref short failure");
    List<String> output = List.of("[h264 @ 0x77bb] mmco: unref short failure", "[h264 @ 0x77bb] mmco: unref short failure",
        "[h264 @ 0x77bb] mmco: unref short failure", "[h264 @ 0x77bb] concealing 20 DC errors");
    assertThat(OutputVerifier.beyond(output, master))
        .containsExactly("[h264 @ 0x77bb] mmco: unref short failure", "[h264 @ 0x77bb] concealing 20 DC errors");
    assertThat(OutputVerifier.beyond(List.of(), master)).isEmpty();
  }

  @Test
  void pcmSampleSizes() {
    assertThat(AudioLength.pcmBytes("pcm_s16le")).isEqualTo(2);
    assertThat(AudioLength.pcmBytes("pcm_s24be")).isEqualTo(3);
    assertThat(AudioLength.pcmBytes("pcm_f32le")).isEqualTo(4);
    assertThat(AudioLength.pcmBytes("pcm_mulaw")).isEqualTo(1);
    assertThat(AudioLength.pcmBytes("aac")).isZero();
  }
}
