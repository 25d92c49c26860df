using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Sessions.TestSupport.Servers;

namespace Sessions.TestSupport.Wire;

/// <summary>One attempt of a request on the wire: its DynamoDB operation, its body, and how often this very body was sent.</summary>
/// <param name="Operation">The DynamoDB operation, for example <c>UpdateItem</c>.</param>
/// <param name="Body">The JSON body; the SDK resends the same body when it retries.</param>
/// <param name="Attempt">1 for the first time this body is sent, 2 for the SDK's first retry of it, and so on.</param>
public sealed record WireAttempt(string Operation, string Body, int Attempt);

/// <summary>
/// Decides, attempt by attempt, which <see cref="WireFault"/> a request meets on its way to the server, and records
/// every attempt and every fault it injected. It sits below the SDK's retry handler, so each retry is a new attempt
/// of the same body. Thread-safe if the script is.
/// </summary>
public sealed class ScriptedFaultHandler : DelegatingHandler
{
    private readonly Func<WireAttempt, WireFault> _script;
    private readonly ConcurrentDictionary<string, int> _sent = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<WireAttempt> _attempts = new();
    private readonly ConcurrentQueue<(WireAttempt Attempt, WireFault Fault)> _injected = new();
    private readonly TaskCompletionSource _hanging = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Initializes a handler that asks <paramref name="script"/> about every attempt.</summary>
    public ScriptedFaultHandler(Func<WireAttempt, WireFault> script)
    {
        _script = script;
    }

    /// <summary>Gets or sets work to do when an attempt arrives, before its fault: for example a concurrent write by someone else.</summary>
    public Func<WireAttempt, Task>? OnAttempt { get; init; }

    /// <summary>Gets every attempt that reached this handler, in order.</summary>
    public IReadOnlyList<WireAttempt> Attempts => [.. _attempts];

    /// <summary>Gets every fault injected, with the attempt it was injected into.</summary>
    public IReadOnlyList<(WireAttempt Attempt, WireFault Fault)> Injected => [.. _injected];

    /// <summary>Gets a task that completes when the first <see cref="WireFault.Hang"/> starts waiting.</summary>
    public Task Hanging => _hanging.Task;

    /// <summary>A script that meets the first attempt of every distinct request with <paramref name="fault"/> and lets its retry through.</summary>
    public static Func<WireAttempt, WireFault> FirstAttemptOfEachRequest(WireFault fault) =>
        attempt => attempt.Attempt == 1 ? fault : WireFault.None;

    /// <summary>A script that meets every attempt of every request with <paramref name="fault"/>.</summary>
    public static Func<WireAttempt, WireFault> Always(WireFault fault) => _ => fault;

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var operation = CountingHandler.OperationOf(request);
        var attempt = new WireAttempt(operation, body, _sent.AddOrUpdate(operation + "\n" + body, 1, (_, n) => n + 1));
        _attempts.Enqueue(attempt);
        if (OnAttempt is { } onAttempt)
        {
            await onAttempt(attempt);
        }

        var fault = _script(attempt);
        if (fault != WireFault.None)
        {
            _injected.Enqueue((attempt, fault));
        }

        switch (fault)
        {
            case WireFault.None:
                return await base.SendAsync(request, cancellationToken);
            case WireFault.ProvisionedThroughputExceeded:
                return FaultInjectingHandler.Error(HttpStatusCode.BadRequest, "ProvisionedThroughputExceededException", "The level of configured provisioned throughput for the table was exceeded.");
            case WireFault.Throttling:
                return FaultInjectingHandler.Error(HttpStatusCode.BadRequest, "ThrottlingException", "Rate of requests exceeds the allowed throughput.");
            case WireFault.InternalServerError:
                return FaultInjectingHandler.Error(HttpStatusCode.InternalServerError, "InternalServerError", "Internal server error");
            case WireFault.ServiceUnavailable:
                return FaultInjectingHandler.Error(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "Service unavailable");
            case WireFault.ConnectionReset:
                throw new HttpRequestException(
                    "An error occurred while sending the request.",
                    new IOException("Unable to read data from the transport connection: Connection reset by peer.", new SocketException((int)SocketError.ConnectionReset)));
            case WireFault.ConnectionRefused:
                throw new HttpRequestException(
                    HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:9)", new SocketException((int)SocketError.ConnectionRefused));
            case WireFault.DnsFailure:
                throw new HttpRequestException(
                    HttpRequestError.NameResolutionError, "Name or service not known (dynamodb.invalid:443)", new SocketException((int)SocketError.HostNotFound));
            case WireFault.AccessDenied:
                return FaultInjectingHandler.Error(HttpStatusCode.BadRequest, "AccessDeniedException", "User is not authorized to perform: dynamodb:UpdateItem");
            case WireFault.BrokenConnection:
                throw new IOException("Unable to write data to the transport connection: Broken pipe.");
            case WireFault.Hang:
                var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using (cancellationToken.Register(() => never.TrySetCanceled(cancellationToken)))
                {
                    _hanging.TrySetResult();
                    await never.Task;
                }

                throw new InvalidOperationException("A hung request cannot end without cancellation.");
            case WireFault.ReplicatedWriteConflict:
                return FaultInjectingHandler.ReplicatedWriteConflict();
            case WireFault.LoseResponseAsReplicatedWriteConflict:
                using (await base.SendAsync(request, cancellationToken))
                {
                    return FaultInjectingHandler.ReplicatedWriteConflict();
                }

            case WireFault.LoseResponse:
                using (await base.SendAsync(request, cancellationToken))
                {
                    return FaultInjectingHandler.Error(HttpStatusCode.InternalServerError, "InternalServerError", "The answer was lost.");
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(request), fault, "Unknown fault.");
        }
    }
}
