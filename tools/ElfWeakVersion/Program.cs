// Marks the named symbol-version requirements of an ELF64 little-endian shared library as weak, in place:
//   dotnet ElfWeakVersion.dll FILE VERSION [VERSION…]      e.g. … bin/…/libLibTorchSharp.so GLIBCXX_3.4.32
// The dynamic loader then no longer refuses the library when the system lacks that version (see ElfVersionNeeds).
// Exit codes: 0 patched or already weak, 1 not ELF64 LE / malformed / a version not required by the file, 2 usage.
// Errors are printed as "error ELFWEAK: …" so MSBuild's Exec task reports them as build errors.
using ElfWeakVersion;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: ElfWeakVersion FILE VERSION [VERSION…]   (e.g. libLibTorchSharp.so GLIBCXX_3.4.32)");
    return 2;
}

string path = args[0];
try
{
    byte[] image = File.ReadAllBytes(path);
    var results = ElfVersionNeeds.MarkWeak(image, args[1..]);
    bool changed = results.Any(r => !r.WasWeak);
    if (changed)
    {
        // Write a new file and move it over the old one rather than writing in place: if the old one is a hard link
        // (or a symbolic link) into the NuGet cache, the cache keeps its original bytes.
        string temporary = path + ".elfweak.tmp";
        File.WriteAllBytes(temporary, image);
        File.Move(temporary, path, overwrite: true);
    }

    foreach (var r in results)
    {
        Console.WriteLine($"ElfWeakVersion: {Path.GetFileName(path)}: {r.Version} (from {r.Library}) {(r.WasWeak ? "was already weak" : "marked weak")}");
    }

    return 0;
}
catch (Exception e) when (e is ElfFormatException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error ELFWEAK: {path}: {e.Message}");
    return 1;
}
