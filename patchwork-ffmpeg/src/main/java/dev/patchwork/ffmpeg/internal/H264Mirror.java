package dev.patchwork.ffmpeg.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Puts an intra-coded picture into the slot of another picture of an H.264 stream: the new access unit keeps the
 * intra picture's slice data and takes from the master's picture everything that numbers it — {@code nal_ref_idc},
 * IDR or not (and {@code idr_pic_id}), {@code frame_num}, {@code pic_order_cnt_lsb}, the decoded reference picture
 * marking (sliding window or the memory management operations) — and its access unit's other NAL units (access
 * unit delimiter, SEI such as a recovery point).
 *
 * <p>A decoder then keeps exactly the master's reference pictures, frame numbers and picture order counts across
 * the replaced pictures: every picture after them decodes as it did in the master, as long as none of them predicts
 * from a replaced one. That is what splicing before an x264 open-GOP I picture needs (its pictures carry on the
 * numbering of the pictures decoded before it, and remove them by {@code frame_num}), where re-numbering a freshly
 * encoded segment cannot work.
 *
 * <p>Both streams must share the sequence and picture parameter sets (the intra pictures are encoded with the
 * master's settings, each frame forced to be a key frame). Slice data of an I slice depends on the header only
 * through the slice QP and deblocking fields, which are carried over; for CABAC the data starts byte-aligned after
 * the header, for CAVLC it follows the header bit by bit, and both are handled. Refused (an {@link IOException}):
 * field coding, slice groups, {@code pic_order_cnt_type} 1, and a master slice header that cannot be read.
 */
public final class H264Mirror {

  private static final int SLICE = 1;
  private static final int IDR = 5;

  private final H264Sps.Fields sps;
  private final Pps pps;
  private final int lengthSize;

  private H264Mirror(H264Sps.Fields sps, Pps pps, int lengthSize) {
    this.sps = sps;
    this.pps = pps;
    this.lengthSize = lengthSize;
  }

  /** For a stream whose parameter sets are in {@code avcC} (its one SPS and one PPS). */
  public static H264Mirror of(byte[] avcC) throws IOException {
    if (avcC == null || avcC.length < 8 || (avcC[0] & 0xFF) != 1) throw new IOException("no avcC record");
    int lengthSize = (avcC[4] & 3) + 1;
    int numSps = avcC[5] & 0x1F;
    if (numSps != 1) throw new IOException(numSps + " sequence parameter sets (one expected)");
    int off = 6;
    int spsLen = (avcC[off] & 0xFF) << 8 | (avcC[off + 1] & 0xFF);
    Optional<H264Sps.Fields> sps = H264Sps.parse(avcC, off + 2, spsLen);
    off += 2 + spsLen;
    if (sps.isEmpty() || off >= avcC.length) throw new IOException("cannot read the sequence parameter set");
    int numPps = avcC[off++] & 0xFF;
    if (numPps != 1) throw new IOException(numPps + " picture parameter sets (one expected)");
    int ppsLen = (avcC[off] & 0xFF) << 8 | (avcC[off + 1] & 0xFF);
    if (off + 2 + ppsLen > avcC.length) throw new IOException("the avcC record ends inside its PPS");
    Pps pps = Pps.parse(avcC, off + 2, ppsLen, sps.get());
    H264Sps.Fields s = sps.get();
    if (!s.frameMbsOnly()) throw new IOException("field coding (frame_mbs_only_flag 0)");
    if (s.pocType() == 1) throw new IOException("pic_order_cnt_type 1");
    if (pps.sliceGroups() > 1) throw new IOException("slice groups (FMO)");
    return new H264Mirror(s, pps, lengthSize);
  }

  /**
   * The access unit that shows {@code intra}'s picture in {@code master}'s slot.
   *
   * @param intra  an access unit whose slices are all I slices (length-prefixed NAL units)
   * @param master the master's access unit it replaces
   */
  public byte[] mirror(byte[] intra, byte[] master) throws IOException {
    List<Nal> masterNals = nals(master);
    Slice slot = null;
    ByteArrayOutputStream out = new ByteArrayOutputStream(intra.length + 64);
    List<Nal> after = new ArrayList<>();
    for (Nal n : masterNals) {
      if (n.type() == SLICE || n.type() == IDR) {
        if (slot == null) slot = parse(n);
        continue;
      }
      if (slot == null) {
        write(out, master, n.offset(), n.length());
      } else if (n.type() != 12) { // filler data belongs to the replaced picture's rate
        after.add(n);
      }
    }
    if (slot == null) throw new IOException("the master's access unit holds no slice");
    int slices = 0;
    for (Nal n : nals(intra)) {
      if (n.type() != SLICE && n.type() != IDR) continue;
      Slice s = parse(n);
      if (s.sliceType() % 5 != 2) throw new IOException("the intra access unit holds a slice of type " + s.sliceType());
      if (s.ppsId() != slot.ppsId()) throw new IOException("the intra picture uses another picture parameter set");
      byte[] nal = rewrite(s, slot);
      write(out, nal, 0, nal.length);
      slices++;
    }
    if (slices == 0) throw new IOException("the intra access unit holds no slice");
    for (Nal n : after) write(out, master, n.offset(), n.length());
    return out.toByteArray();
  }

  // --- slice headers ---------------------------------------------------------------------------------------

  /** A slice header as read, with where its parts lie in the RBSP (bit positions). */
  private record Slice(int nalRefIdc, boolean idr, int firstMb, int sliceType, int ppsId, int colourPlane, int frameNum,
      long idrPicId, int pocLsb, long deltaPocBottom, long markingStart, long markingEnd, long sliceQpDelta, long disableDeblocking,
      long alpha, long beta, long headerEnd, byte[] rbsp, int rbspLength) {}

  private Slice parse(Nal nal) throws IOException {
    byte[] rbsp = new byte[nal.length()];
    int n = BitReader.unescape(nal.source(), nal.offset(), nal.length(), rbsp);
    int header = rbsp[0] & 0xFF;
    int nalRefIdc = header >> 5 & 3;
    boolean idr = (header & 0x1F) == IDR;
    try {
      BitReader r = new BitReader(rbsp, 1, n - 1);
      int firstMb = (int) r.ue();
      int sliceType = (int) r.ue();
      int ppsId = (int) r.ue();
      if (ppsId != pps.id()) throw new IOException("a slice uses picture parameter set " + ppsId + ", not " + pps.id());
      int colourPlane = sps.separateColourPlane() ? r.u(2) : 0;
      int frameNum = r.u(sps.log2MaxFrameNum());
      long idrPicId = idr ? r.ue() : 0;
      int pocLsb = 0;
      long deltaPocBottom = 0;
      if (sps.pocType() == 0) {
        pocLsb = r.u(sps.log2MaxPocLsb());
        if (pps.bottomFieldPicOrderInFramePresent()) deltaPocBottom = r.se();
      }
      if (pps.redundantPicCntPresent()) r.ue();
      int type = sliceType % 5; // 0 P, 1 B, 2 I, 3 SP, 4 SI
      boolean p = type == 0 || type == 3;
      boolean b = type == 1;
      int refL0 = pps.numRefIdxL0Default();
      int refL1 = pps.numRefIdxL1Default();
      if (b) r.u(1); // direct_spatial_mv_pred_flag
      if (p || b) {
        if (r.u(1) == 1) { // num_ref_idx_active_override_flag
          refL0 = (int) r.ue() + 1;
          if (b) refL1 = (int) r.ue() + 1;
        }
      }
      if (type != 2 && type != 4) {
        skipRefPicListModification(r);
        if (b) skipRefPicListModification(r);
      }
      if (pps.weightedPred() && p || pps.weightedBipredIdc() == 1 && b) skipPredWeightTable(r, refL0, b ? refL1 : 0);
      long markingStart = r.position();
      if (nalRefIdc != 0) skipMarking(r, idr);
      long markingEnd = r.position();
      if (pps.cabac() && type != 2 && type != 4) r.ue(); // cabac_init_idc
      long qp = r.se();
      if (type == 3 || type == 4) {
        if (type == 3) r.u(1);
        r.se();
      }
      long disable = 0;
      long alpha = 0;
      long beta = 0;
      if (pps.deblockingFilterControlPresent()) {
        disable = r.ue();
        if (disable != 1) {
          alpha = r.se();
          beta = r.se();
        }
      }
      return new Slice(nalRefIdc, idr, firstMb, sliceType, ppsId, colourPlane, frameNum, idrPicId, pocLsb, deltaPocBottom, markingStart,
          markingEnd, qp, disable, alpha, beta, r.position(), rbsp, n);
    } catch (RuntimeException e) {
      throw new IOException("cannot read a slice header: " + e.getMessage(), e);
    }
  }

  private static void skipRefPicListModification(BitReader r) {
    if (r.u(1) == 0) return;
    while (true) {
      long idc = r.ue();
      if (idc == 3) return;
      if (idc > 5) throw new IllegalStateException("modification_of_pic_nums_idc " + idc);
      r.ue(); // abs_diff_pic_num_minus1 or long_term_pic_num (or abs_diff_view_idx_minus1)
    }
  }

  private void skipPredWeightTable(BitReader r, int refL0, int refL1) {
    r.ue(); // luma_log2_weight_denom
    if (sps.chromaArrayType() != 0) r.ue(); // chroma_log2_weight_denom
    for (int list = 0; list < 2; list++) {
      int refs = list == 0 ? refL0 : refL1;
      for (int i = 0; i < refs; i++) {
        if (r.u(1) == 1) {
          r.se();
          r.se();
        }
        if (sps.chromaArrayType() != 0 && r.u(1) == 1) {
          for (int j = 0; j < 4; j++) r.se();
        }
      }
    }
  }

  private static void skipMarking(BitReader r, boolean idr) {
    if (idr) {
      r.u(1); // no_output_of_prior_pics_flag
      r.u(1); // long_term_reference_flag
      return;
    }
    if (r.u(1) == 0) return; // adaptive_ref_pic_marking_mode_flag
    while (true) {
      long op = r.ue();
      if (op == 0) return;
      if (op > 6) throw new IllegalStateException("memory_management_control_operation " + op);
      if (op == 1 || op == 3) r.ue(); // difference_of_pic_nums_minus1
      if (op == 2) r.ue(); // long_term_pic_num
      if (op == 3 || op == 6) r.ue(); // long_term_frame_idx
      if (op == 4) r.ue(); // max_long_term_frame_idx_plus1
    }
  }

  /** {@code intra}'s slice in {@code slot}'s numbering, as an escaped NAL unit (header byte first). */
  private byte[] rewrite(Slice intra, Slice slot) throws IOException {
    BitWriter w = new BitWriter();
    w.u(1, 0);
    w.u(2, slot.nalRefIdc());
    w.u(5, slot.idr() ? IDR : SLICE);
    w.ue(intra.firstMb());
    w.ue(intra.sliceType());
    w.ue(intra.ppsId());
    if (sps.separateColourPlane()) w.u(2, intra.colourPlane());
    w.u(sps.log2MaxFrameNum(), slot.frameNum());
    if (slot.idr()) w.ue(slot.idrPicId());
    if (sps.pocType() == 0) {
      w.u(sps.log2MaxPocLsb(), slot.pocLsb());
      if (pps.bottomFieldPicOrderInFramePresent()) w.se(slot.deltaPocBottom());
    }
    if (pps.redundantPicCntPresent()) w.ue(0);
    if (slot.nalRefIdc() != 0) w.copy(slot.rbsp(), slot.markingStart(), slot.markingEnd());
    w.se(intra.sliceQpDelta());
    if (pps.deblockingFilterControlPresent()) {
      w.ue(intra.disableDeblocking());
      if (intra.disableDeblocking() != 1) {
        w.se(intra.alpha());
        w.se(intra.beta());
      }
    }
    byte[] rbsp = intra.rbsp();
    int length = intra.rbspLength();
    if (pps.cabac()) {
      while (!w.aligned()) w.bit(1); // cabac_alignment_one_bit
      long data = (intra.headerEnd() + 7) & ~7L; // the intra slice's data starts after its own alignment bits
      w.copy(rbsp, data, (long) length * 8);
    } else {
      long stop = lastOneBit(rbsp, length);
      if (stop < intra.headerEnd()) throw new IOException("the intra slice has no rbsp_stop_one_bit");
      w.copy(rbsp, intra.headerEnd(), stop + 1);
      while (!w.aligned()) w.bit(0);
    }
    byte[] out = w.toByteArray();
    return BitReader.escape(out, out.length);
  }

  private static long lastOneBit(byte[] b, int length) {
    for (int i = length - 1; i >= 0; i--) {
      int v = b[i] & 0xFF;
      if (v != 0) return (long) i * 8 + 7 - Integer.numberOfTrailingZeros(v);
    }
    return -1;
  }

  // --- NAL units -------------------------------------------------------------------------------------------

  private record Nal(byte[] source, int offset, int length) {
    int type() {
      return source[offset] & 0x1F;
    }
  }

  private List<Nal> nals(byte[] au) throws IOException {
    List<Nal> out = new ArrayList<>();
    int off = 0;
    while (off < au.length) {
      if (off + lengthSize > au.length) throw new IOException("NAL unit lengths do not add up at byte " + off);
      long len = 0;
      for (int i = 0; i < lengthSize; i++) len = len << 8 | (au[off + i] & 0xFF);
      int nal = off + lengthSize;
      if (len < 1 || nal + len > au.length) throw new IOException("NAL unit lengths do not add up at byte " + off);
      out.add(new Nal(au, nal, (int) len));
      off = (int) (nal + len);
    }
    return out;
  }

  private void write(ByteArrayOutputStream out, byte[] src, int offset, int length) {
    for (int i = lengthSize - 1; i >= 0; i--) out.write(length >>> (8 * i) & 0xFF);
    out.write(src, offset, length);
  }

  // --- picture parameter set -------------------------------------------------------------------------------

  /** The fields of a PPS that slice headers depend on. */
  record Pps(int id, boolean cabac, boolean bottomFieldPicOrderInFramePresent, int sliceGroups, int numRefIdxL0Default,
      int numRefIdxL1Default, boolean weightedPred, int weightedBipredIdc, boolean deblockingFilterControlPresent,
      boolean redundantPicCntPresent) {

    static Pps parse(byte[] b, int offset, int length, H264Sps.Fields sps) throws IOException {
      byte[] rbsp = new byte[length];
      int n = BitReader.unescape(b, offset, length, rbsp);
      try {
        BitReader r = new BitReader(rbsp, 1, n - 1);
        int id = (int) r.ue();
        r.ue(); // seq_parameter_set_id
        boolean cabac = r.u(1) == 1;
        boolean bottom = r.u(1) == 1;
        int groups = (int) r.ue() + 1;
        if (groups > 1) return new Pps(id, cabac, bottom, groups, 0, 0, false, 0, false, false);
        int l0 = (int) r.ue() + 1;
        int l1 = (int) r.ue() + 1;
        boolean weighted = r.u(1) == 1;
        int bipred = r.u(2);
        r.se(); // pic_init_qp_minus26
        r.se(); // pic_init_qs_minus26
        r.se(); // chroma_qp_index_offset
        boolean deblocking = r.u(1) == 1;
        r.u(1); // constrained_intra_pred_flag
        boolean redundant = r.u(1) == 1;
        return new Pps(id, cabac, bottom, groups, l0, l1, weighted, bipred, deblocking, redundant);
      } catch (RuntimeException e) {
        throw new IOException("cannot read the picture parameter set: " + e.getMessage(), e);
      }
    }
  }
}
