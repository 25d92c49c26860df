using System.Net;

namespace Sessions.Samples.CredentialServer;

/// <summary>
/// The addresses the server is configured to listen on, read from the settings Kestrel reads (<c>Urls</c>,
/// <c>HTTP_PORTS</c>, <c>HTTPS_PORTS</c>, <c>Kestrel:Endpoints:NAME:Url</c>), and the rule they must keep: plain HTTP
/// on loopback only, unless <see cref="CredentialServerOptions.AllowInsecureNetworkHttp"/> says otherwise.
/// </summary>
internal static class ListenAddresses
{
    /// <summary>Every configured address, with the setting it comes from.</summary>
    public static IEnumerable<(string Setting, string Url)> Configured(IConfiguration configuration)
    {
        foreach (var url in Split(configuration["urls"]))
        {
            yield return ("Urls", url);
        }

        // Kestrel uses the ports only when no URL is set, and binds them on every address.
        if (Split(configuration["urls"]).Length == 0)
        {
            foreach (var port in Split(configuration["http_ports"]))
            {
                yield return ("HTTP_PORTS", $"http://*:{port}");
            }

            foreach (var port in Split(configuration["https_ports"]))
            {
                yield return ("HTTPS_PORTS", $"https://*:{port}");
            }
        }

        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url)
            {
                yield return ($"Kestrel:Endpoints:{endpoint.Key}:Url", url);
            }
        }
    }

    /// <summary>The plain-HTTP addresses that are not loopback, among those configured.</summary>
    public static List<(string Setting, string Url)> InsecureNetworkAddresses(IConfiguration configuration) =>
        [.. Configured(configuration).Where(a => IsPlainHttp(a.Url) && !IsLoopback(a.Url))];

    /// <summary>What is wrong with the configured addresses, naming each setting, or an empty list.</summary>
    public static List<string> Problems(IConfiguration configuration, bool allowInsecureNetworkHttp)
    {
        var problems = new List<string>();
        foreach (var (setting, url) in Configured(configuration))
        {
            if (Host(url) is null || !(IsPlainHttp(url) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"{setting}: '{EscapedText.Of(url, 200)}' is not an http:// or https:// address such as http://127.0.0.1:9911.");
            }
            else if (!allowInsecureNetworkHttp && IsPlainHttp(url) && !IsLoopback(url))
            {
                problems.Add($"{setting}: '{EscapedText.Of(url, 200)}' is plain HTTP on an address other than loopback. Clients would send the "
                    + "authorization token, and get the credentials, in the clear, and most AWS SDKs accept a plain-HTTP full URI only on "
                    + "loopback. Listen on 127.0.0.1 or localhost, serve HTTPS, or, inside a private network namespace only, set "
                    + $"{CredentialServerOptions.SectionName}:{nameof(CredentialServerOptions.AllowInsecureNetworkHttp)}=true.");
            }
        }

        return problems;
    }

    private static bool IsPlainHttp(string url) => url.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Loopback: <c>localhost</c>, a loopback IP address (<c>127.0.0.0/8</c>, <c>::1</c>), or a Unix socket (<c>http://unix:/path</c>).</summary>
    private static bool IsLoopback(string url) => Host(url) is { } host
        && (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.Equals("unix", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address)));

    /// <summary>The host of <paramref name="url"/> as Kestrel reads it (<c>*</c>, <c>+</c>, a name, an IP address, <c>[::1]</c> without brackets), or <see langword="null"/>.</summary>
    private static string? Host(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return null;
        }

        var rest = url.AsSpan(schemeEnd + 3);
        if (rest.StartsWith("unix:", StringComparison.OrdinalIgnoreCase))
        {
            return "unix";
        }

        if (rest.StartsWith("["))
        {
            var close = rest.IndexOf(']');
            return close > 1 ? rest[1..close].ToString() : null;
        }

        var end = rest.IndexOfAny(':', '/');
        var host = end < 0 ? rest : rest[..end];
        return host.IsEmpty ? null : host.ToString();
    }

    private static string[] Split(string? value) =>
        value?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
