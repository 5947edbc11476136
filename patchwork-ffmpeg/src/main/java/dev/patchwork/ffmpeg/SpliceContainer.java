package dev.patchwork.ffmpeg;

import dev.patchwork.UnsupportedMasterException;
import java.nio.file.Path;
import java.util.Locale;

/** The containers the engine writes patched masters in, named as ffmpeg's muxers. */
enum SpliceContainer {
  MOV("mov"),
  MP4("mp4"),
  MATROSKA("matroska"),
  MXF("mxf");

  private final String muxer;

  SpliceContainer(String muxer) {
    this.muxer = muxer;
  }

  /** ffmpeg's muxer name ({@code -f}). */
  String muxer() {
    return muxer;
  }

  boolean isQuickTime() {
    return this == MOV || this == MP4;
  }

  /**
   * The container of {@code master}: from its file extension, checked against what ffprobe read.
   *
   * @throws UnsupportedMasterException for containers the engine does not write
   */
  static SpliceContainer of(Path master, String formatName) {
    String name = master.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    SpliceContainer c = switch (ext) {
      case "mov", "qt" -> MOV;
      case "mp4", "m4v" -> MP4;
      case "mkv" -> MATROSKA;
      case "mxf" -> MXF;
      default -> null;
    };
    String family = switch (FilePackets.layoutOf(formatName)) {
      case MOV -> "mov";
      case MATROSKA -> "matroska";
      case MXF -> "mxf";
      case OTHER -> formatName;
    };
    if (c == null || !(c.isQuickTime() ? family.equals("mov") : family.equals(c.muxer))) {
      throw new UnsupportedMasterException(master + ": Patchwork patches MOV, MP4, Matroska (.mkv) and MXF masters; this one is '"
          + ext + "' holding " + formatName);
    }
    return c;
  }
}
