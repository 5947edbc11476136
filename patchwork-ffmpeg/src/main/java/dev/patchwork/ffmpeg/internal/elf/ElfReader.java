package dev.patchwork.ffmpeg.internal.elf;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the dynamic-linking view of an ELF64 little-endian x86-64 file: its DT_NEEDED list, SONAME,
 * dynamic symbols and symbol versions.
 *
 * <p>It reads what the dynamic loader reads, not the section headers (which {@code strip} may remove):
 * the program headers give PT_DYNAMIC and the PT_LOAD segments; the dynamic entries give the virtual
 * addresses of the string table, symbol table, version tables and hash table; PT_LOAD translates those
 * addresses into file offsets. The symbol count comes from DT_HASH (nchain) or, failing that, from
 * DT_GNU_HASH (the highest index reachable through its buckets and chains). Only the bytes needed are
 * read, so a 56 MB libavcodec costs a few hundred kilobytes.
 *
 * <p>Formats follow the System V gABI and the LSB "Symbol Versioning" chapter (Elf64_Verneed,
 * Elf64_Vernaux, Elf64_Verdef, Elf64_Verdaux).
 */
public final class ElfReader {
  static final int PT_LOAD = 1;
  static final int PT_DYNAMIC = 2;
  static final long DT_NULL = 0;
  static final long DT_NEEDED = 1;
  static final long DT_HASH = 4;
  static final long DT_STRTAB = 5;
  static final long DT_SYMTAB = 6;
  static final long DT_STRSZ = 10;
  static final long DT_SONAME = 14;
  static final long DT_RUNPATH = 29;
  static final long DT_GNU_HASH = 0x6ffffef5L;
  static final long DT_VERSYM = 0x6ffffff0L;
  static final long DT_VERDEF = 0x6ffffffcL;
  static final long DT_VERDEFNUM = 0x6ffffffdL;
  static final long DT_VERNEED = 0x6ffffffeL;
  static final long DT_VERNEEDNUM = 0x6fffffffL;
  /** STB_WEAK: an undefined weak reference may stay unresolved. */
  public static final int STB_WEAK = 2;
  public static final int STT_OBJECT = 1;
  public static final int STT_TLS = 6;

  /**
   * One dynamic symbol. {@code version} is the version name ("" when unversioned: versym index 0 or
   * 1); {@code library} is, for an undefined versioned symbol, the file its version is needed from
   * (the Elf64_Verneed vn_file), else "".
   */
  public record Symbol(
      String name, int type, int binding, boolean defined, long size, String version, String library) {
    public Symbol {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(library, "library");
    }
  }

  /** The versions an object needs from one library (one Elf64_Verneed and its Vernaux chain). */
  public record VersionNeed(String library, List<String> versions) {
    public VersionNeed {
      Objects.requireNonNull(library, "library");
      versions = List.copyOf(versions);
    }
  }

  private final String soname;
  private final String runpath;
  private final List<String> needed;
  private final List<Symbol> symbols;
  private final List<VersionNeed> versionNeeds;
  private final List<String> versionDefinitions;

  private ElfReader(String soname, String runpath, List<String> needed, List<Symbol> symbols,
      List<VersionNeed> versionNeeds, List<String> versionDefinitions) {
    this.soname = soname;
    this.runpath = runpath;
    this.needed = List.copyOf(needed);
    this.symbols = List.copyOf(symbols);
    this.versionNeeds = List.copyOf(versionNeeds);
    this.versionDefinitions = List.copyOf(versionDefinitions);
  }

  /** DT_SONAME, or "" when the file has none (executables). */
  public String soname() {
    return soname;
  }

  /** DT_RUNPATH, or "" when absent. */
  public String runpath() {
    return runpath;
  }

  /** DT_NEEDED entries in file order. */
  public List<String> needed() {
    return needed;
  }

  /** The dynamic symbol table without entry 0 (the reserved null symbol). */
  public List<Symbol> symbols() {
    return symbols;
  }

  /** DT_VERNEED: the versions needed from each library. */
  public List<VersionNeed> versionNeeds() {
    return versionNeeds;
  }

  /** DT_VERDEF names in index order; the first is the base version (the file's own name). */
  public List<String> versionDefinitions() {
    return versionDefinitions;
  }

  /** Whether {@code file} starts with the ELF magic and is 64-bit, little-endian, x86-64. */
  public static boolean isElf64X86(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return ch.size() >= 64 && isElf64X86Header(read(ch, 0, 64));
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean isElf64X86Header(ByteBuffer h) {
    return h.getInt(0) == 0x464c457f // "\177ELF" read little-endian
        && h.get(4) == 2 // ELFCLASS64
        && h.get(5) == 1 // ELFDATA2LSB
        && h.getShort(18) == 62; // EM_X86_64
  }

  /** Reads {@code file}; throws if it is not an ELF64 x86-64 object with a dynamic section. */
  public static ElfReader read(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return new Parser(ch, file).parse();
    }
  }

  private static final class Parser {
    private final FileChannel ch;
    private final Path file;
    private final List<long[]> loads = new ArrayList<>(); // {p_vaddr, p_offset, p_filesz}
    private ByteBuffer strtab;

    Parser(FileChannel ch, Path file) {
      this.ch = ch;
      this.file = file;
    }

    ElfReader parse() throws IOException {
      ByteBuffer eh = read(ch, 0, 64);
      if (!isElf64X86Header(eh)) {
        throw new IOException(file + ": not an ELF64 little-endian x86-64 file");
      }
      long phoff = eh.getLong(32);
      int phentsize = Short.toUnsignedInt(eh.getShort(54));
      int phnum = Short.toUnsignedInt(eh.getShort(56));
      ByteBuffer ph = read(ch, phoff, phentsize * phnum);
      long dynOffset = -1;
      long dynSize = 0;
      for (int i = 0; i < phnum; i++) {
        int b = i * phentsize;
        int type = ph.getInt(b);
        if (type == PT_LOAD) {
          loads.add(new long[] {ph.getLong(b + 16), ph.getLong(b + 8), ph.getLong(b + 32)});
        } else if (type == PT_DYNAMIC) {
          dynOffset = ph.getLong(b + 8);
          dynSize = ph.getLong(b + 32);
        }
      }
      if (dynOffset < 0) {
        throw new IOException(file + ": no PT_DYNAMIC (statically linked?)");
      }
      // Elf64_Dyn is {d_tag, d_un}, 16 bytes; the array ends at DT_NULL.
      ByteBuffer dyn = read(ch, dynOffset, (int) dynSize);
      Map<Long, Long> single = new HashMap<>();
      List<Long> neededOffsets = new ArrayList<>();
      for (int b = 0; b + 16 <= dynSize; b += 16) {
        long tag = dyn.getLong(b);
        long val = dyn.getLong(b + 8);
        if (tag == DT_NULL) {
          break;
        } else if (tag == DT_NEEDED) {
          neededOffsets.add(val);
        } else {
          single.putIfAbsent(tag, val);
        }
      }
      if (!single.containsKey(DT_STRTAB) || !single.containsKey(DT_STRSZ)) {
        throw new IOException(file + ": dynamic section has no DT_STRTAB/DT_STRSZ");
      }
      strtab = read(ch, offsetOf(single.get(DT_STRTAB)), Math.toIntExact(single.get(DT_STRSZ)));
      List<String> needed = new ArrayList<>();
      for (long off : neededOffsets) {
        needed.add(string(off));
      }
      String soname = single.containsKey(DT_SONAME) ? string(single.get(DT_SONAME)) : "";
      String runpath = single.containsKey(DT_RUNPATH) ? string(single.get(DT_RUNPATH)) : "";

      // Version index -> {name, file}. 0 = local, 1 = global (unversioned); others from the tables.
      Map<Integer, String[]> versionsByIndex = new HashMap<>();
      List<VersionNeed> needs = new ArrayList<>();
      if (single.containsKey(DT_VERNEED)) {
        long vn = offsetOf(single.get(DT_VERNEED));
        long count = single.getOrDefault(DT_VERNEEDNUM, 0L);
        for (long i = 0; i < count; i++) {
          ByteBuffer need = read(ch, vn, 16); // vn_version, vn_cnt, vn_file, vn_aux, vn_next
          String library = string(Integer.toUnsignedLong(need.getInt(4)));
          List<String> names = new ArrayList<>();
          long aux = vn + Integer.toUnsignedLong(need.getInt(8));
          for (int j = 0; j < Short.toUnsignedInt(need.getShort(2)); j++) {
            ByteBuffer a = read(ch, aux, 16); // vna_hash, vna_flags, vna_other, vna_name, vna_next
            String name = string(Integer.toUnsignedLong(a.getInt(8)));
            names.add(name);
            versionsByIndex.put(Short.toUnsignedInt(a.getShort(6)) & 0x7fff, new String[] {name, library});
            aux += Integer.toUnsignedLong(a.getInt(12));
          }
          needs.add(new VersionNeed(library, names));
          vn += Integer.toUnsignedLong(need.getInt(12));
        }
      }
      List<String> definitions = new ArrayList<>();
      if (single.containsKey(DT_VERDEF)) {
        long vd = offsetOf(single.get(DT_VERDEF));
        long count = single.getOrDefault(DT_VERDEFNUM, 0L);
        for (long i = 0; i < count; i++) {
          ByteBuffer def = read(ch, vd, 20); // vd_version, vd_flags, vd_ndx, vd_cnt, vd_hash, vd_aux, vd_next
          ByteBuffer aux = read(ch, vd + Integer.toUnsignedLong(def.getInt(12)), 8); // vda_name, vda_next
          String name = string(Integer.toUnsignedLong(aux.getInt(0)));
          definitions.add(name);
          int index = Short.toUnsignedInt(def.getShort(4)) & 0x7fff;
          if (index > 1) { // index 1 is the base definition (the file's name): symbols there are unversioned
            versionsByIndex.put(index, new String[] {name, ""});
          }
          vd += Integer.toUnsignedLong(def.getInt(16));
        }
      }

      List<Symbol> symbols = new ArrayList<>();
      if (single.containsKey(DT_SYMTAB)) {
        int count = symbolCount(single);
        ByteBuffer syms = read(ch, offsetOf(single.get(DT_SYMTAB)), count * 24);
        ByteBuffer versym = single.containsKey(DT_VERSYM)
            ? read(ch, offsetOf(single.get(DT_VERSYM)), count * 2) : null;
        for (int i = 1; i < count; i++) {
          // Elf64_Sym: st_name u32, st_info u8, st_other u8, st_shndx u16, st_value u64, st_size u64.
          int b = i * 24;
          int info = Byte.toUnsignedInt(syms.get(b + 4));
          boolean defined = syms.getShort(b + 6) != 0; // SHN_UNDEF
          int index = versym == null ? 1 : Short.toUnsignedInt(versym.getShort(i * 2)) & 0x7fff;
          String[] version = versionsByIndex.getOrDefault(index, new String[] {"", ""});
          symbols.add(new Symbol(string(Integer.toUnsignedLong(syms.getInt(b))), info & 0xf, info >>> 4,
              defined, syms.getLong(b + 16), version[0], defined ? "" : version[1]));
        }
      }
      return new ElfReader(soname, runpath, needed, symbols, needs, definitions);
    }

    /** The number of dynamic symbols, from DT_HASH's nchain or by walking DT_GNU_HASH. */
    private int symbolCount(Map<Long, Long> dyn) throws IOException {
      if (dyn.containsKey(DT_HASH)) {
        return read(ch, offsetOf(dyn.get(DT_HASH)) + 4, 4).getInt(0);
      }
      if (!dyn.containsKey(DT_GNU_HASH)) {
        throw new IOException(file + ": neither DT_HASH nor DT_GNU_HASH; cannot size the symbol table");
      }
      // Header: nbuckets, symoffset, bloom_size, bloom_shift; then bloom words (8 bytes each),
      // buckets (u32) and one chain word per symbol from symoffset on; bit 0 marks a chain's end.
      long base = offsetOf(dyn.get(DT_GNU_HASH));
      ByteBuffer h = read(ch, base, 16);
      int nbuckets = h.getInt(0);
      int symoffset = h.getInt(4);
      long bucketsAt = base + 16 + 8L * h.getInt(8);
      ByteBuffer buckets = read(ch, bucketsAt, 4 * nbuckets);
      int last = 0;
      for (int i = 0; i < nbuckets; i++) {
        last = Math.max(last, buckets.getInt(i * 4));
      }
      if (last < symoffset) {
        return symoffset;
      }
      long chainsAt = bucketsAt + 4L * nbuckets;
      while ((read(ch, chainsAt + 4L * (last - symoffset), 4).getInt(0) & 1) == 0) {
        last++;
      }
      return last + 1;
    }

    private long offsetOf(long vaddr) throws IOException {
      for (long[] load : loads) {
        if (vaddr >= load[0] && vaddr < load[0] + load[2]) {
          return load[1] + (vaddr - load[0]);
        }
      }
      throw new IOException(file + ": address 0x" + Long.toHexString(vaddr) + " is in no PT_LOAD segment");
    }

    private String string(long offset) throws IOException {
      int start = Math.toIntExact(offset);
      int end = start;
      while (end < strtab.limit() && strtab.get(end) != 0) {
        end++;
      }
      if (end >= strtab.limit()) {
        throw new IOException(file + ": unterminated string at dynstr offset " + offset);
      }
      byte[] bytes = new byte[end - start];
      strtab.get(start, bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  static ByteBuffer read(FileChannel ch, long offset, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (buf.hasRemaining()) {
      if (ch.read(buf, offset + buf.position()) < 0) {
        throw new EOFException("ELF structure at " + offset + "+" + length + " runs past the end of the file");
      }
    }
    return buf.flip();
  }
}
