namespace Sessions.Cli.Output;

/// <summary>Text styles for a terminal; the plain instance returns text unchanged, so redirected output has no escape codes.</summary>
internal sealed class Style
{
    private readonly bool _ansi;

    private Style(bool ansi)
    {
        _ansi = ansi;
    }

    public static Style Ansi { get; } = new(ansi: true);

    public static Style Plain { get; } = new(ansi: false);

    public string Bold(string text) => Wrap(text, "1");

    public string Dim(string text) => Wrap(text, "2");

    public string Green(string text) => Wrap(text, "32");

    public string Red(string text) => Wrap(text, "31");

    public string Yellow(string text) => Wrap(text, "33");

    /// <summary>Colours a status: active green, revoked red, expired yellow.</summary>
    public string Status(SessionStatus status) => status switch
    {
        SessionStatus.Active => Green(SessionFormat.Status(status)),
        SessionStatus.Revoked => Red(SessionFormat.Status(status)),
        _ => Yellow(SessionFormat.Status(status)),
    };

    private string Wrap(string text, string code) => _ansi ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
