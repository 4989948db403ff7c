using System.Globalization;
using ScottPlot;

namespace SymbolicGrad.Plotting;

/// <summary>Writes plots side by side into one PNG or SVG picture.</summary>
internal static class PanelFile
{
    /// <summary>Saves <paramref name="panels"/> left to right; the extension of <paramref name="path"/> picks the format.</summary>
    /// <exception cref="ArgumentException">The extension is neither .png nor .svg.</exception>
    internal static void Save(List<Plot> panels, string path, int width, int height)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        switch (extension)
        {
            case ".png":
                SavePng(panels, path, width, height);
                break;
            case ".svg":
                File.WriteAllText(path, ComposeSvg(panels, width, height));
                break;
            default:
                throw new ArgumentException($"Cannot plot to '{path}': use a .png or .svg file name.", nameof(path));
        }
    }

    private static void SavePng(List<Plot> panels, string path, int width, int height)
    {
        if (panels.Count == 1)
        {
            panels[0].SavePng(path, width, height);
            return;
        }

        var figure = new Multiplot();
        figure.Reset(panels[0]); // a new Multiplot starts with an empty plot of its own
        foreach (var panel in panels.Skip(1))
        {
            figure.AddPlot(panel);
        }

        figure.Layout = new ScottPlot.MultiplotLayouts.Columns();
        figure.SavePng(path, width, height);
    }

    // ScottPlot writes one plot per SVG; nested <svg> elements place the panels side by side in one picture.
    private static string ComposeSvg(List<Plot> panels, int width, int height)
    {
        int panelWidth = width / panels.Count;
        var svg = new System.Text.StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{panelWidth * panels.Count}\" height=\"{height}\" viewBox=\"0 0 {panelWidth * panels.Count} {height}\">\n");
        for (int i = 0; i < panels.Count; i++)
        {
            string inner = panels[i].GetSvgXml(panelWidth, height);
            int tag = inner.IndexOf("<svg", StringComparison.Ordinal);
            inner = inner[tag..].Insert(4, string.Create(CultureInfo.InvariantCulture, $" x=\"{i * panelWidth}\" y=\"0\""));
            svg.Append(inner).Append('\n');
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }
}
