using Sessions.Diagnostics;

namespace Sessions.Cli.Output;

/// <summary>A plain-text table with aligned columns, readable on a terminal and in a log (no box drawing, no escapes in widths).</summary>
internal sealed class TextTable
{
    private readonly string[] _headers;
    private readonly bool[] _alignRight;
    private readonly List<string[]> _rows = [];

    /// <param name="columns">The column headers; a header that starts with '>' is right-aligned (the '>' is not shown).</param>
    public TextTable(params string[] columns)
    {
        _alignRight = [.. columns.Select(c => c.StartsWith('>'))];
        _headers = [.. columns.Select(c => c.TrimStart('>'))];
    }

    public int RowCount => _rows.Count;

    /// <summary>Adds a row; control characters in a cell are escaped visibly, so a cell never breaks its row or the terminal.</summary>
    public void Add(params string[] cells)
    {
        if (cells.Length != _headers.Length)
        {
            throw new ArgumentException($"Expected {_headers.Length} cells, got {cells.Length}.", nameof(cells));
        }

        _rows.Add([.. cells.Select(VisibleText.Escape)]);
    }

    /// <summary>Writes the table; <paramref name="style"/> only decorates the header, after the widths are computed.</summary>
    public void Write(TextWriter writer, Style style, string indent = "")
    {
        var widths = _headers.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        writer.WriteLine(indent + style.Bold(Line(_headers, widths)));
        foreach (var row in _rows)
        {
            writer.WriteLine(indent + Line(row, widths));
        }
    }

    private string Line(string[] cells, int[] widths)
    {
        var parts = cells.Select((cell, i) => _alignRight[i] ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]));
        return string.Join("  ", parts).TrimEnd();
    }
}
