package dev.patchwork.ffmpeg.internal.elf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Writes a minimal ELF64 x86-64 shared object that stands in for a missing library: it has the
 * library's SONAME, defines every version the importers need from it, and defines every symbol they
 * import. Each function symbol points at the same three bytes, {@code xor eax,eax; ret}, so a call
 * returns 0 (or NULL) instead of crashing; each data symbol points at its own zero-filled block.
 *
 * <p>File layout (offsets grow downwards; "RX" and "RW" are the two PT_LOAD segments):
 *
 * <pre>
 *   RX  ELF header (64 bytes)
 *       program headers: PT_LOAD RX, PT_LOAD RW, PT_DYNAMIC, PT_GNU_STACK (4 x 56 bytes)
 *       .hash           SysV hash: nbucket, nchain, buckets, chains (u32 words on x86-64)
 *       .dynsym         Elf64_Sym x (1 + symbols); entry 0 is the reserved null symbol
 *       .dynstr         "\0", soname, symbol names, version names
 *       .gnu.version    one u16 version index per dynsym entry
 *       .gnu.version_d  one Elf64_Verdef + Elf64_Verdaux per version; index 1 is the base (soname)
 *       .text           31 c0 c3: xor eax,eax; ret
 *   RW  .dynamic        the entries ld.so reads (glibc adds the load bias to them in place, so this
 *                       segment must be writable)
 *       .data           zero blocks for data symbols (only if there are any)
 *       .shstrtab + section headers (not loaded; they let readelf/objdump show the file)
 * </pre>
 *
 * <p>The RW segment follows the RX bytes in the file but is mapped one page higher: PT_LOAD only needs
 * p_vaddr and p_offset congruent modulo p_align (0x1000), so no padding to a page boundary is needed.
 * The file has no DT_NEEDED, no relocations and no initialisers: ld.so maps it, checks the versions
 * and resolves symbols against it, and runs nothing from it. PT_GNU_STACK (RW) says the library does
 * not need an executable stack; without it glibc would assume it does.
 */
public final class StubLibraryWriter {
  private static final long PAGE = 0x1000;
  private static final int EHDR_SIZE = 64;
  private static final int PHDR_SIZE = 56;
  private static final int PHDR_COUNT = 4;
  private static final int SYM_SIZE = 24;
  private static final int VERDEF_SIZE = 20 + 8; // Elf64_Verdef + one Elf64_Verdaux
  private static final byte[] RETURN_ZERO = {0x31, (byte) 0xc0, (byte) 0xc3};
  private static final int STB_GLOBAL = 1;
  private static final int STT_FUNC = 2;
  private static final int VER_FLG_BASE = 1;
  private static final int VERSYM_HIDDEN = 0x8000;

  /**
   * A symbol to define. {@code version} is "" for an unversioned symbol (index 1, "global");
   * {@code data} makes it an STT_OBJECT over {@code size} zero bytes (at least 16) instead of a function.
   */
  public record StubSymbol(String name, String version, boolean data, long size) {
    public StubSymbol {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("empty symbol name");
      }
      if (size < 0) {
        throw new IllegalArgumentException("size < 0: " + size);
      }
    }

    public static StubSymbol function(String name, String version) {
      return new StubSymbol(name, version, false, 0);
    }
  }

  private StubLibraryWriter() {}

  /**
   * The bytes of a stub library named {@code soname} that defines {@code versions} (plus those the
   * symbols carry: an importer may need a version none of its symbols use, and ld.so checks every
   * needed version at load) and {@code symbols} (duplicates ignored).
   */
  public static byte[] write(String soname, Collection<String> versions, Collection<StubSymbol> symbols) {
    if (soname.isEmpty() || soname.contains("/")) {
      throw new IllegalArgumentException("not a library name: '" + soname + "'");
    }
    // Sorted, de-duplicated by (name, version): the output depends only on the input set.
    TreeSet<StubSymbol> unique =
        new TreeSet<>(Comparator.comparing(StubSymbol::name).thenComparing(StubSymbol::version));
    unique.addAll(symbols);
    List<StubSymbol> syms = new ArrayList<>(unique);
    TreeSet<String> named = new TreeSet<>(versions);
    syms.forEach(s -> named.add(s.version()));
    named.remove("");
    named.remove(soname);
    List<String> allVersions = new ArrayList<>(List.of(soname)); // index 1 = the base version
    allVersions.addAll(named); // then 2, 3, ... in name order
    int nsyms = 1 + syms.size();

    Strings dynstr = new Strings();
    dynstr.add(soname);
    Strings shstr = new Strings();

    // ---- layout -------------------------------------------------------------------------------
    int hashOff = align(EHDR_SIZE + PHDR_COUNT * PHDR_SIZE, 8);
    int nbucket = Math.max(1, nsyms / 2) | 1; // any count works; odd spreads the ELF hash a little
    int dynsymOff = align(hashOff + 4 * (2 + nbucket + nsyms), 8);
    for (StubSymbol s : syms) {
      dynstr.add(s.name());
    }
    allVersions.forEach(dynstr::add);
    int dynstrOff = dynsymOff + SYM_SIZE * nsyms;
    byte[] dynstrBytes = dynstr.bytes();
    int versymOff = align(dynstrOff + dynstrBytes.length, 2);
    int verdefOff = align(versymOff + 2 * nsyms, 8);
    int textOff = align(verdefOff + VERDEF_SIZE * allVersions.size(), 16);
    int rxEnd = textOff + RETURN_ZERO.length;

    int rwOff = align(rxEnd, 16); // mapped at rwOff + PAGE
    long[][] dynamic = {
      {ElfReader.DT_SONAME, dynstr.offset(soname)},
      {ElfReader.DT_HASH, hashOff},
      {ElfReader.DT_STRTAB, dynstrOff},
      {ElfReader.DT_SYMTAB, dynsymOff},
      {ElfReader.DT_STRSZ, dynstrBytes.length},
      {11 /* DT_SYMENT */, SYM_SIZE},
      {ElfReader.DT_VERSYM, versymOff},
      {ElfReader.DT_VERDEF, verdefOff},
      {ElfReader.DT_VERDEFNUM, allVersions.size()},
      {ElfReader.DT_NULL, 0},
    };
    int dataOff = align(rwOff + 16 * dynamic.length, 16);
    long[] dataAt = new long[syms.size()];
    int dataEnd = dataOff;
    for (int i = 0; i < syms.size(); i++) {
      if (syms.get(i).data()) {
        dataAt[i] = dataEnd;
        dataEnd = align(dataEnd + (int) Math.max(16, syms.get(i).size()), 16);
      }
    }
    boolean hasData = dataEnd > dataOff;
    int rwEnd = hasData ? dataEnd : rwOff + 16 * dynamic.length;

    // Section indexes: 0 null, 1 .hash, 2 .dynsym, 3 .dynstr, 4 .gnu.version, 5 .gnu.version_d,
    // 6 .text, 7 .dynamic, [8 .data], last .shstrtab.
    int textIndex = 6;
    int dataIndex = 8;
    int shstrIndex = hasData ? 9 : 8;
    for (String n : List.of(".hash", ".dynsym", ".dynstr", ".gnu.version", ".gnu.version_d", ".text",
        ".dynamic", ".data", ".shstrtab")) {
      shstr.add(n);
    }
    byte[] shstrBytes = shstr.bytes();
    int shstrOff = rwEnd;
    int shoff = align(shstrOff + shstrBytes.length, 8);
    int shnum = shstrIndex + 1;
    ByteBuffer f = ByteBuffer.allocate(shoff + 64 * shnum).order(ByteOrder.LITTLE_ENDIAN);

    // ---- ELF header ---------------------------------------------------------------------------
    f.put(0, new byte[] {0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* LE */, 1 /* EV_CURRENT */, 0 /* SysV */});
    f.putShort(16, (short) 3); // ET_DYN
    f.putShort(18, (short) 62); // EM_X86_64
    f.putInt(20, 1); // e_version
    f.putLong(32, EHDR_SIZE); // e_phoff: right after this header
    f.putLong(40, shoff);
    f.putShort(52, (short) EHDR_SIZE);
    f.putShort(54, (short) PHDR_SIZE);
    f.putShort(56, (short) PHDR_COUNT);
    f.putShort(58, (short) 64); // e_shentsize
    f.putShort(60, (short) shnum);
    f.putShort(62, (short) shstrIndex);

    // ---- program headers: type, flags (X=1 W=2 R=4), offset, vaddr, size, align ---------------
    phdr(f, 0, ElfReader.PT_LOAD, 4 | 1, 0, 0, rxEnd, PAGE);
    phdr(f, 1, ElfReader.PT_LOAD, 4 | 2, rwOff, rwOff + PAGE, rwEnd - rwOff, PAGE);
    phdr(f, 2, ElfReader.PT_DYNAMIC, 4 | 2, rwOff, rwOff + PAGE, 16L * dynamic.length, 8);
    phdr(f, 3, 0x6474e551 /* PT_GNU_STACK */, 4 | 2, 0, 0, 0, 16);

    // ---- .hash: bucket[h % nbucket] heads a chain through chain[symbol index]; 0 ends it --------
    f.putInt(hashOff, nbucket);
    f.putInt(hashOff + 4, nsyms); // nchain = number of dynsym entries; ld.so and readers size by it
    int buckets = hashOff + 8;
    int chains = buckets + 4 * nbucket;
    for (int i = 1; i < nsyms; i++) {
      int b = buckets + 4 * (int) (elfHash(syms.get(i - 1).name()) % nbucket);
      f.putInt(chains + 4 * i, f.getInt(b));
      f.putInt(b, i);
    }

    // ---- .dynsym and .gnu.version ---------------------------------------------------------------
    String previous = null;
    for (int i = 1; i < nsyms; i++) {
      StubSymbol s = syms.get(i - 1);
      int at = dynsymOff + SYM_SIZE * i;
      f.putInt(at, dynstr.offset(s.name()));
      f.put(at + 4, (byte) ((STB_GLOBAL << 4) | (s.data() ? ElfReader.STT_OBJECT : STT_FUNC)));
      f.put(at + 5, (byte) 0); // STV_DEFAULT
      f.putShort(at + 6, (short) (s.data() ? dataIndex : textIndex));
      f.putLong(at + 8, s.data() ? dataAt[i - 1] + PAGE : textOff);
      f.putLong(at + 16, s.data() ? Math.max(16, s.size()) : RETURN_ZERO.length);
      // A name defined in several versions has one default version (name@@V); the others are
      // hidden (name@V), like a real library's compatibility symbols.
      int index = s.version().isEmpty() ? 1 : allVersions.indexOf(s.version()) + 1;
      boolean hidden = s.name().equals(previous);
      f.putShort(versymOff + 2 * i, (short) (index | (hidden ? VERSYM_HIDDEN : 0)));
      previous = s.name();
    }
    // Entry 0 keeps version index 0 (local), all zero.

    // ---- .gnu.version_d: the base definition (flags BASE, the soname) then one per version -----
    for (int k = 0; k < allVersions.size(); k++) {
      int at = verdefOff + VERDEF_SIZE * k;
      f.putShort(at, (short) 1); // vd_version
      f.putShort(at + 2, (short) (k == 0 ? VER_FLG_BASE : 0));
      f.putShort(at + 4, (short) (k + 1)); // vd_ndx: the index .gnu.version entries refer to
      f.putShort(at + 6, (short) 1); // vd_cnt: one Verdaux (no parent versions)
      f.putInt(at + 8, (int) elfHash(allVersions.get(k))); // ld.so compares it with vna_hash
      f.putInt(at + 12, 20); // vd_aux: the Verdaux follows this Verdef
      f.putInt(at + 16, k + 1 < allVersions.size() ? VERDEF_SIZE : 0); // vd_next
      f.putInt(at + 20, dynstr.offset(allVersions.get(k))); // vda_name; vda_next = 0
    }

    f.put(dynstrOff, dynstrBytes);
    f.put(textOff, RETURN_ZERO);
    for (int i = 0; i < dynamic.length; i++) { // Elf64_Dyn {d_tag, d_un}; RX addresses = file offsets
      f.putLong(rwOff + 16 * i, dynamic[i][0]);
      f.putLong(rwOff + 16 * i + 8, dynamic[i][1]);
    }
    f.put(shstrOff, shstrBytes);

    // ---- section headers: name, type, flags (W=1 A=2 X=4), addr, offset, size, link, info, align, entsize
    int sh = shoff + 64; // header 0 stays all zero
    sh = shdr(f, sh, shstr.offset(".hash"), 5, 2, hashOff, hashOff, 4L * (2 + nbucket + nsyms), 2, 0, 8, 4);
    sh = shdr(f, sh, shstr.offset(".dynsym"), 11, 2, dynsymOff, dynsymOff, (long) SYM_SIZE * nsyms, 3, 1, 8,
        SYM_SIZE); // info: index of the first non-local symbol
    sh = shdr(f, sh, shstr.offset(".dynstr"), 3, 2, dynstrOff, dynstrOff, dynstrBytes.length, 0, 0, 1, 0);
    sh = shdr(f, sh, shstr.offset(".gnu.version"), 0x6fffffff, 2, versymOff, versymOff, 2L * nsyms, 2, 0, 2, 2);
    sh = shdr(f, sh, shstr.offset(".gnu.version_d"), 0x6ffffffd, 2, verdefOff, verdefOff,
        (long) VERDEF_SIZE * allVersions.size(), 3, allVersions.size(), 8, 0); // info: number of Verdefs
    sh = shdr(f, sh, shstr.offset(".text"), 1, 2 | 4, textOff, textOff, RETURN_ZERO.length, 0, 0, 16, 0);
    sh = shdr(f, sh, shstr.offset(".dynamic"), 6, 1 | 2, rwOff + PAGE, rwOff, 16L * dynamic.length, 3, 0, 8, 16);
    if (hasData) {
      sh = shdr(f, sh, shstr.offset(".data"), 1, 1 | 2, dataOff + PAGE, dataOff, dataEnd - dataOff, 0, 0, 16, 0);
    }
    shdr(f, sh, shstr.offset(".shstrtab"), 3, 0, 0, shstrOff, shstrBytes.length, 0, 0, 1, 0);
    return f.array();
  }

  /** The SysV ELF hash (gABI "Hash Table"), used by DT_HASH buckets and by vd_hash/vna_hash. */
  public static long elfHash(String name) {
    long h = 0;
    for (byte c : name.getBytes(StandardCharsets.UTF_8)) {
      h = (h << 4) + (c & 0xff);
      long g = h & 0xf0000000L;
      if (g != 0) {
        h ^= g >>> 24;
      }
      h &= ~g;
    }
    return h;
  }

  private static void phdr(ByteBuffer f, int i, int type, int flags, long offset, long vaddr, long size,
      long align) {
    int at = EHDR_SIZE + PHDR_SIZE * i;
    f.putInt(at, type);
    f.putInt(at + 4, flags);
    f.putLong(at + 8, offset);
    f.putLong(at + 16, vaddr);
    f.putLong(at + 24, vaddr); // p_paddr: unused, conventionally = p_vaddr
    f.putLong(at + 32, size); // p_filesz
    f.putLong(at + 40, size); // p_memsz: everything is in the file, no .bss
    f.putLong(at + 48, align);
  }

  private static int shdr(ByteBuffer f, int at, int name, int type, long flags, long addr, long offset,
      long size, int link, int info, long align, long entsize) {
    f.putInt(at, name);
    f.putInt(at + 4, type);
    f.putLong(at + 8, flags);
    f.putLong(at + 16, addr);
    f.putLong(at + 24, offset);
    f.putLong(at + 32, size);
    f.putInt(at + 40, link);
    f.putInt(at + 44, info);
    f.putLong(at + 48, align);
    f.putLong(at + 56, entsize);
    return at + 64;
  }

  private static int align(int value, int to) {
    return (value + to - 1) / to * to;
  }

  /** A string table: starts with "\0" (offset 0 = empty name), each distinct string once. */
  private static final class Strings {
    private final Map<String, Integer> offsets = new LinkedHashMap<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Strings() {
      out.write(0);
    }

    void add(String s) {
      offsets.computeIfAbsent(s, k -> {
        int at = out.size();
        out.writeBytes(k.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        return at;
      });
    }

    int offset(String s) {
      return offsets.get(s);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
