using Amazon.Runtime;

// A client of a container-credentials server, as any AWS SDK for .NET application is one: the SDK's own provider
// reads AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN from the environment.
// Usage: CredentialClient [COUNT]. Fetches COUNT times (default 1), each with a new provider so that nothing is
// cached, and prints one line per fetch: "ok ACCESS_KEY_ID TOKEN" (TOKEN is - when empty) or "error TYPE: MESSAGE"
// (message on one line).
// Exits 0 when every fetch succeeded, 1 otherwise.
var count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1;
var failed = 0;
for (var i = 0; i < count; i++)
{
    try
    {
        var provider = new GenericContainerCredentials();
        var credentials = await provider.GetCredentialsAsync();
        Console.WriteLine($"ok {credentials.AccessKey} {(credentials.UseToken ? credentials.Token : "-")}");
    }
    catch (Exception ex)
    {
        failed++;
        Console.WriteLine($"error {ex.GetType().Name}: {Flatten(ex)}");
    }
}

return failed == 0 ? 0 : 1;

static string Flatten(Exception ex)
{
    var text = ex.Message;
    for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
    {
        text += " | " + inner.GetType().Name + ": " + inner.Message;
    }

    return text.ReplaceLineEndings(" ");
}
