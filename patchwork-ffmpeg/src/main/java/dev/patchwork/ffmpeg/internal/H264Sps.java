package dev.patchwork.ffmpeg.internal;

import java.util.Optional;

/**
 * Reads an H.264 sequence parameter set: the fields slice headers depend on (to read and rewrite picture order
 * counts), and the one field that x264's option string does not record but its SPS depends on: the VUI's
 * {@code fixed_frame_rate_flag}, which x264 sets when it is told the input has a constant frame rate
 * ({@code force-cfr}, also set by {@code --tune zerolatency}).
 */
public final class H264Sps {

  private H264Sps() {}

  /**
   * The fields of an SPS that slice headers depend on, and the VUI's {@code fixed_frame_rate_flag}.
   *
   * @param log2MaxFrameNum      bits of {@code frame_num}
   * @param pocType              {@code pic_order_cnt_type}
   * @param log2MaxPocLsb        bits of {@code pic_order_cnt_lsb} (for type 0; else 0)
   * @param separateColourPlane  {@code separate_colour_plane_flag}
   * @param frameMbsOnly         {@code frame_mbs_only_flag}
   * @param fixedFrameRate       the VUI's {@code fixed_frame_rate_flag}, if the SPS has timing information
   * @param chromaArrayType      {@code ChromaArrayType} (0 for monochrome or separate colour planes)
   */
  public record Fields(int log2MaxFrameNum, int pocType, int log2MaxPocLsb, boolean separateColourPlane, boolean frameMbsOnly,
      Optional<Boolean> fixedFrameRate, int chromaArrayType) {}

  /**
   * The {@code fixed_frame_rate_flag} of the first SPS in {@code annexB} (an Annex B byte stream, e.g. a stream's first
   * packet), or empty if there is no SPS, it has no timing information, or it cannot be read.
   */
  public static Optional<Boolean> fixedFrameRate(byte[] annexB) {
    int sps = findSps(annexB);
    if (sps < 0) return Optional.empty();
    return parse(annexB, sps, nextStartCode(annexB, sps) - sps).flatMap(Fields::fixedFrameRate);
  }

  /** Parses the SPS NAL unit (header byte included, emulation prevention not yet removed) at {@code offset}. */
  static Optional<Fields> parse(byte[] b, int offset, int length) {
    byte[] rbsp = new byte[length];
    int n = BitReader.unescape(b, offset, length, rbsp);
    try {
      return Optional.of(read(new BitReader(rbsp, 1, n - 1))); // skip the NAL header byte
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Fields read(BitReader r) {
    int profile = r.u(8);
    r.u(8); // constraint flags
    r.u(8); // level_idc
    r.ue(); // seq_parameter_set_id
    boolean separateColourPlane = false;
    long chromaFormat = 1;
    if (profile == 100 || profile == 110 || profile == 122 || profile == 244 || profile == 44 || profile == 83 || profile == 86
        || profile == 118 || profile == 128 || profile == 138 || profile == 139 || profile == 134 || profile == 135) {
      long chroma = r.ue();
      chromaFormat = chroma;
      if (chroma == 3) separateColourPlane = r.u(1) == 1;
      r.ue(); // bit_depth_luma_minus8
      r.ue(); // bit_depth_chroma_minus8
      r.u(1); // qpprime_y_zero_transform_bypass_flag
      if (r.u(1) == 1) { // seq_scaling_matrix_present_flag
        int lists = chroma != 3 ? 8 : 12;
        for (int i = 0; i < lists; i++) {
          if (r.u(1) == 1) skipScalingList(r, i < 6 ? 16 : 64);
        }
      }
    }
    int log2MaxFrameNum = (int) r.ue() + 4;
    int pocType = (int) r.ue();
    int log2MaxPocLsb = 0;
    if (pocType == 0) {
      log2MaxPocLsb = (int) r.ue() + 4;
    } else if (pocType == 1) {
      r.u(1); // delta_pic_order_always_zero_flag
      se(r); // offset_for_non_ref_pic
      se(r); // offset_for_top_to_bottom_field
      long cycle = r.ue();
      for (long i = 0; i < cycle; i++) se(r);
    }
    r.ue(); // max_num_ref_frames
    r.u(1); // gaps_in_frame_num_value_allowed_flag
    r.ue(); // pic_width_in_mbs_minus1
    r.ue(); // pic_height_in_map_units_minus1
    boolean frameMbsOnly = r.u(1) == 1;
    if (!frameMbsOnly) r.u(1); // mb_adaptive_frame_field_flag
    r.u(1); // direct_8x8_inference_flag
    if (r.u(1) == 1) { // frame_cropping_flag
      for (int i = 0; i < 4; i++) r.ue();
    }
    Optional<Boolean> fixed;
    try {
      fixed = readFixedFrameRate(r);
    } catch (RuntimeException e) {
      fixed = Optional.empty();
    }
    return new Fields(log2MaxFrameNum, pocType, log2MaxPocLsb, separateColourPlane, frameMbsOnly, fixed,
        separateColourPlane ? 0 : (int) chromaFormat);
  }

  private static Optional<Boolean> readFixedFrameRate(BitReader r) {
    if (!r.hasBits(1) || r.u(1) == 0) return Optional.empty(); // vui_parameters_present_flag
    if (r.u(1) == 1) { // aspect_ratio_info_present_flag
      if (r.u(8) == 255) {
        r.u(16);
        r.u(16);
      }
    }
    if (r.u(1) == 1) r.u(1); // overscan_info_present_flag, overscan_appropriate_flag
    if (r.u(1) == 1) { // video_signal_type_present_flag
      r.u(3);
      r.u(1);
      if (r.u(1) == 1) r.u(24); // colour_description_present_flag
    }
    if (r.u(1) == 1) { // chroma_loc_info_present_flag
      r.ue();
      r.ue();
    }
    if (r.u(1) == 0) return Optional.empty(); // timing_info_present_flag
    r.u(16);
    r.u(16); // num_units_in_tick
    r.u(16);
    r.u(16); // time_scale
    return Optional.of(r.u(1) == 1);
  }

  private static void skipScalingList(BitReader r, int size) {
    int last = 8;
    int next = 8;
    for (int j = 0; j < size; j++) {
      if (next != 0) next = (int) ((last + se(r) + 256) % 256);
      last = next == 0 ? last : next;
    }
  }

  private static long se(BitReader r) {
    long k = r.ue();
    return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
  }

  /** The first byte of the first SPS NAL unit (its header byte), or -1. */
  private static int findSps(byte[] b) {
    for (int i = 0; i + 3 < b.length; i++) {
      if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1 && (b[i + 3] & 0x1F) == 7) return i + 3;
    }
    return -1;
  }

  private static int nextStartCode(byte[] b, int from) {
    for (int i = from; i + 2 < b.length; i++) {
      if (b[i] == 0 && b[i + 1] == 0 && (b[i + 2] == 1 || i + 3 < b.length && b[i + 2] == 0 && b[i + 3] == 1)) return i;
    }
    return b.length;
  }
}
