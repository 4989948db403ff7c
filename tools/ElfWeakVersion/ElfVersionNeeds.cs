using System.Buffers.Binary;
using System.Text;

namespace ElfWeakVersion;

/// <summary>The file is not an ELF64 little-endian object, is malformed, or lacks what was asked for.</summary>
public sealed class ElfFormatException(string message) : Exception(message);

/// <summary>One version requirement that <see cref="ElfVersionNeeds.MarkWeak"/> handled.</summary>
/// <param name="Version">The version name, e.g. <c>GLIBCXX_3.4.32</c>.</param>
/// <param name="Library">The library it is required from (the Verneed entry's file), e.g. <c>libstdc++.so.6</c>.</param>
/// <param name="WasWeak">True when the flag was already set, so nothing changed.</param>
public readonly record struct WeakenedVersion(string Version, string Library, bool WasWeak);

/// <summary>
/// Edits the version-needs section (<c>.gnu.version_r</c>) of an ELF64 little-endian file in memory.
/// <para>
/// Each Verneed entry there names a library (e.g. libstdc++.so.6) and heads a list of Vernaux entries, one per symbol
/// version the file needs from it (e.g. GLIBCXX_3.4.32). When the library lacks a required version, glibc's loader
/// refuses to load the file ("version `GLIBCXX_3.4.32' not found") unless that Vernaux entry has the
/// <c>VER_FLG_WEAK</c> flag, in which case it only skips the check. That is safe when no symbol bound at run time
/// uses the version: libLibTorchSharp.so (TorchSharp 0.107, built with GCC 13) needs GLIBCXX_3.4.32 for one symbol
/// only, <c>std::ios_base_library_init()</c>, which GCC 13's &lt;iostream&gt; references to pull in the stream
/// initialisation but never calls; an older libstdc++ initialises its streams by itself.
/// </para>
/// <para>
/// Layouts (System V gABI and the LSB "Symbol Versioning" chapter), all little-endian here:
/// ELF header: e_shoff u64 at 0x28, e_shentsize u16 at 0x3A, e_shnum u16 at 0x3C, e_shstrndx u16 at 0x3E.
/// Section header (64 bytes): sh_name u32 at 0, sh_type u32 at 4, sh_offset u64 at 24, sh_size u64 at 32,
/// sh_link u32 at 40 (for .gnu.version_r: the string table of the names), sh_info u32 at 44 (the number of Verneeds).
/// Verneed (16 bytes): vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32 (to the first Vernaux), vn_next u32.
/// Vernaux (16 bytes): vna_hash u32, vna_flags u16 at 4, vna_other u16, vna_name u32 at 8, vna_next u32 at 12.
/// The offsets vn_aux, vn_next and vna_next are relative to the entry holding them; 0 ends a list.
/// </para>
/// </summary>
public static class ElfVersionNeeds
{
    /// <summary>The Vernaux flag that makes a missing version a non-fatal condition for the loader.</summary>
    public const ushort VerFlagWeak = 0x2;

    private const uint SectionTypeVersionNeeds = 0x6ffffffe; // SHT_GNU_verneed
    private const int SectionHeaderSize = 64;
    private const ushort ExtendedSectionIndex = 0xffff;      // SHN_XINDEX: the real index is in section 0's sh_link

    /// <summary>
    /// Sets <see cref="VerFlagWeak"/> on every Vernaux entry named one of <paramref name="versions"/>; idempotent.
    /// Throws <see cref="ElfFormatException"/> when the image is not ELF64 little-endian, is malformed, has no
    /// <c>.gnu.version_r</c>, or does not require one of the versions.
    /// </summary>
    public static IReadOnlyList<WeakenedVersion> MarkWeak(byte[] image, IReadOnlyCollection<string> versions)
    {
        var span = image.AsSpan();
        if (span.Length < 64 || span[0] != 0x7f || span[1] != (byte)'E' || span[2] != (byte)'L' || span[3] != (byte)'F')
        {
            throw new ElfFormatException("not an ELF file (no \\x7fELF magic).");
        }

        if (span[4] != 2)
        {
            throw new ElfFormatException($"not a 64-bit ELF file (EI_CLASS = {span[4]}, expected 2 = ELFCLASS64).");
        }

        if (span[5] != 1)
        {
            throw new ElfFormatException($"not a little-endian ELF file (EI_DATA = {span[5]}, expected 1 = ELFDATA2LSB).");
        }

        ulong sectionTable = BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        int namesIndex = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3E..]);
        if (sectionTable == 0 || entrySize < SectionHeaderSize)
        {
            throw new ElfFormatException("no section header table (stripped of sections?).");
        }

        // More than 0xff00 sections, or a section-name table beyond that index, are stored in section 0.
        var first = Section(span, sectionTable, entrySize, 0);
        if (count == 0) count = checked((int)first.Size);
        if (namesIndex == ExtendedSectionIndex) namesIndex = (int)first.Link;
        if (namesIndex >= count)
        {
            throw new ElfFormatException($"section-name table index {namesIndex} out of range ({count} sections).");
        }

        var names = Section(span, sectionTable, entrySize, namesIndex);
        SectionHeader? needs = null;
        for (int i = 0; i < count; i++)
        {
            var s = Section(span, sectionTable, entrySize, i);
            if (ReadString(span, names, s.Name) == ".gnu.version_r")
            {
                needs = s;
                break;
            }
        }

        if (needs is not { } verneed)
        {
            throw new ElfFormatException("no .gnu.version_r section: the file requires no symbol versions.");
        }

        if (verneed.Type != SectionTypeVersionNeeds)
        {
            throw new ElfFormatException($".gnu.version_r has type 0x{verneed.Type:x}, expected SHT_GNU_verneed (0x{SectionTypeVersionNeeds:x}).");
        }

        if (verneed.Link >= count)
        {
            throw new ElfFormatException($".gnu.version_r links to string table {verneed.Link}, out of range.");
        }

        var strings = Section(span, sectionTable, entrySize, (int)verneed.Link);
        var wanted = new HashSet<string>(versions, StringComparer.Ordinal);
        var results = new List<WeakenedVersion>();

        // Walk the Verneed chain (sh_info entries) and each one's Vernaux chain (vn_cnt entries).
        ulong need = verneed.Offset;
        for (uint n = 0; n < verneed.Info; n++)
        {
            var entry = Slice(span, verneed, need, 16, "Verneed");
            int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(entry[2..]);
            string library = ReadString(span, strings, BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]));
            ulong aux = need + BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]);
            for (int a = 0; a < auxCount; a++)
            {
                var auxEntry = Slice(span, verneed, aux, 16, "Vernaux");
                string name = ReadString(span, strings, BinaryPrimitives.ReadUInt32LittleEndian(auxEntry[8..]));
                if (wanted.Contains(name))
                {
                    ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(auxEntry[4..]);
                    results.Add(new WeakenedVersion(name, library, (flags & VerFlagWeak) != 0));
                    BinaryPrimitives.WriteUInt16LittleEndian(auxEntry[4..], (ushort)(flags | VerFlagWeak));
                }

                uint nextAux = BinaryPrimitives.ReadUInt32LittleEndian(auxEntry[12..]);
                if (nextAux == 0) break;
                aux += nextAux;
            }

            uint nextNeed = BinaryPrimitives.ReadUInt32LittleEndian(entry[12..]);
            if (nextNeed == 0) break;
            need += nextNeed;
        }

        var missing = wanted.Where(v => !results.Any(r => r.Version == v)).ToList();
        if (missing.Count > 0)
        {
            throw new ElfFormatException($"the file does not require version(s) {string.Join(", ", missing)} (nothing to mark weak; is this the right file?).");
        }

        return results;
    }

    private readonly record struct SectionHeader(uint Name, uint Type, ulong Offset, ulong Size, uint Link, uint Info);

    private static SectionHeader Section(ReadOnlySpan<byte> image, ulong table, int entrySize, int index)
    {
        ulong at = table + (ulong)index * (ulong)entrySize;
        if (at + SectionHeaderSize > (ulong)image.Length)
        {
            throw new ElfFormatException($"section header {index} lies past the end of the file.");
        }

        var h = image.Slice((int)at, SectionHeaderSize);
        return new SectionHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(h),
            BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
            BinaryPrimitives.ReadUInt64LittleEndian(h[24..]),
            BinaryPrimitives.ReadUInt64LittleEndian(h[32..]),
            BinaryPrimitives.ReadUInt32LittleEndian(h[40..]),
            BinaryPrimitives.ReadUInt32LittleEndian(h[44..]));
    }

    /// <summary>A <paramref name="length"/>-byte entry at file offset <paramref name="at"/>, which must lie inside <paramref name="section"/>.</summary>
    private static Span<byte> Slice(Span<byte> image, SectionHeader section, ulong at, int length, string what)
    {
        if (at < section.Offset || at + (ulong)length > section.Offset + section.Size || at + (ulong)length > (ulong)image.Length)
        {
            throw new ElfFormatException($"a {what} entry at offset 0x{at:x} lies outside .gnu.version_r (malformed chain).");
        }

        return image.Slice((int)at, length);
    }

    /// <summary>The NUL-terminated string at <paramref name="offset"/> in string-table section <paramref name="table"/>.</summary>
    private static string ReadString(ReadOnlySpan<byte> image, SectionHeader table, uint offset)
    {
        ulong start = table.Offset + offset;
        ulong end = Math.Min(table.Offset + table.Size, (ulong)image.Length);
        if (offset >= table.Size || start >= end)
        {
            throw new ElfFormatException($"string offset {offset} lies outside its string table.");
        }

        var bytes = image[(int)start..(int)end];
        int nul = bytes.IndexOf((byte)0);
        if (nul < 0)
        {
            throw new ElfFormatException($"unterminated string at offset {offset}.");
        }

        return Encoding.ASCII.GetString(bytes[..nul]);
    }
}
