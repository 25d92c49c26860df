using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using Sessions.Cli;
using Sessions.Cli.Hosting;
using Sessions.Cli.Output;

namespace Sessions.Tests.Cli;

/// <summary>Runs <c>sessions</c> command lines in process against one in-memory store and a fake clock.</summary>
internal sealed class CliHarness
{
    public const string Table = "sessions-cli-test";

    public CliHarness()
    {
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 20, 2, 0, 0, TimeSpan.Zero));
        Store = new InMemorySessionStore(Time);
    }

    public FakeTimeProvider Time { get; }

    /// <summary>Gets or sets the jitter of retry waits: none (each wait half its ceiling) unless a test sets another.</summary>
    public Random Random { get; set; } = new FixedRandom(0);

    public InMemorySessionStore Store { get; }

    /// <summary>Gets the connections the commands opened, in order.</summary>
    public List<StoreConnection> Connections { get; } = [];

    /// <summary>Gets or sets the store the commands get; <see cref="Store"/> unless a test replaces it.</summary>
    public ISessionStore? StoreOverride { get; set; }

    /// <summary>Gives the commands a store whose every Get throws <paramref name="error"/>.</summary>
    public void FailGetsWith(Exception error)
    {
        var store = new Mock<ISessionStore>();
        store.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ThrowsAsync(error);
        StoreOverride = store.Object;
    }

    /// <summary>Runs a command with redirected (non-terminal) output.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunAsync(terminal: false, args);

    /// <summary>Runs a command as if standard output and error were terminals.</summary>
    public async Task<CliResult> RunAsync(bool terminal, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var console = new CliConsole(stdout, stderr, OutIsTerminal: terminal, ErrorIsTerminal: terminal);
        var exitCode = await CliApp.RunAsync(args, console, Open, Time, Random);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs a command on <paramref name="console"/> until it ends or <paramref name="cancellationToken"/> cancels it (Ctrl-C).</summary>
    public Task<int> RunOnAsync(CliConsole console, CancellationToken cancellationToken, params string[] args) =>
        CliApp.RunAsync(args, console, Open, Time, Random, cancellationToken);

    /// <summary>Creates a session directly in the store, one millisecond after the previous one.</summary>
    public async Task<ServerSession> CreateAsync(string user = "alice", string profile = "prod-deploy", string instance = "cred-server-1", TimeSpan? duration = null)
    {
        var session = await Store.CreateAsync(ServerSession.Start(user, profile, instance, "role/deploy", duration ?? TimeSpan.FromHours(1), Time.GetUtcNow()));
        Time.Advance(TimeSpan.FromMilliseconds(1));
        return session;
    }

    private ServiceProvider Open(StoreConnection connection)
    {
        Connections.Add(connection);
        return new ServiceCollection().AddSingleton(StoreOverride ?? Store).BuildServiceProvider();
    }
}

/// <summary>What a command wrote and returned.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Out);
        return document.RootElement.Clone();
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Error}";
}
