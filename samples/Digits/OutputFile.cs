namespace SymbolicGrad.Samples.Digits;

/// <summary>
/// Checks, before any training, that a file the run will write later can be written: a typo in a path should cost a
/// second, not the minutes of training before the first save.
/// </summary>
public static class OutputFile
{
    /// <summary>
    /// Throws unless <paramref name="path"/> names a file (new or existing, not a folder) in an existing folder where
    /// this process can create files: a probe file is created next to it and deleted, as the atomic save will.
    /// </summary>
    /// <param name="option">The option that gave the path, for the message (e.g. <c>--checkpoint</c>).</param>
    /// <param name="path">The file the run will write.</param>
    /// <exception cref="CommandLineException">The path cannot be written; the message names it and says why.</exception>
    public static void CheckWritable(string option, string path)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new CommandLineException($"{option}: '{path}' is not a valid path ({e.Message})");
        }

        if (Directory.Exists(full) || path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar))
        {
            throw new CommandLineException($"{option}: '{path}' is a folder; give a file name in it, e.g. '{Path.Combine(path, "digits.ckpt")}'.");
        }

        string folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            throw new CommandLineException($"{option}: the folder '{folder}' of '{path}' does not exist.");
        }

        string probe = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.probe");
        try
        {
            new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose).Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandLineException($"{option}: cannot write '{path}': creating a file in '{folder}' failed ({e.Message})");
        }
    }
}
