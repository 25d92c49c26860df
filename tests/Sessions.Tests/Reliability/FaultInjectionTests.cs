using System.Net;

namespace Sessions.Tests.Reliability;

/// <summary>
/// Throttling, server errors and broken connections on every request of every store operation: the SDK's retries absorb
/// a transient fault, and a fault that outlasts them surfaces as <see cref="SessionStoreException"/> naming the table and
/// the operation, with the SDK's exception inside. Each test logs how many faults it injected.
/// </summary>
public abstract class FaultInjectionTests(DynamoDbServerFixture server, ITestOutputHelper output)
    : SharedTableTests(server, new DateTimeOffset(2036, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(Interlocked.Increment(ref s_tests)))
{
    private const int MaxErrorRetry = 3;

    /// <summary>
    /// A connection reset by the peer also counts to the SDK as a stale pooled connection, which it retries up to 10
    /// more times on a fresh connection, beyond <see cref="Amazon.Runtime.ClientConfig.MaxErrorRetry"/>.
    /// </summary>
    private const int StaleConnectionRetries = 10;

    private static readonly WireFault[] AnsweredFaults =
    [
        WireFault.ProvisionedThroughputExceeded,
        WireFault.Throttling,
        WireFault.InternalServerError,
        WireFault.ServiceUnavailable,
        WireFault.ConnectionReset,
        WireFault.BrokenConnection,
    ];

    // Every test lives in its own later day of the class's table (its clock starts there), so its sessions are the newest
    // and alone in their time range.
    private static int s_tests;

    public static TheoryData<string, WireFault> EveryOperationAndFault
    {
        get
        {
            var data = new TheoryData<string, WireFault>();
            foreach (var operation in StoreOperations.All)
            {
                foreach (var fault in AnsweredFaults)
                {
                    data.Add(operation, fault);
                }
            }

            return data;
        }
    }

    public static TheoryData<string> EveryOperation => [.. StoreOperations.All];

    [Theory]
    [MemberData(nameof(EveryOperationAndFault))]
    public async Task A_transient_fault_on_each_request_is_retried_by_the_SDK_and_the_call_succeeds(string operation, WireFault fault)
    {
        var call = await StoreOperations.PrepareAsync(operation, Setup, Time);
        var faults = new ScriptedFaultHandler(ScriptedFaultHandler.FirstAttemptOfEachRequest(fault));

        var result = await call.Run(StoreOn(faults), CancellationToken.None);

        await call.Verify(result);
        ShouldHaveRetriedEachRequestOnce(faults, operation);
        output.WriteLine($"faults injected: {operation} {fault} {faults.Injected.Count}");
    }

    [Theory]
    [MemberData(nameof(EveryOperationAndFault))]
    public async Task A_fault_that_outlasts_the_SDK_retries_is_a_SessionStoreException_naming_table_and_operation(string operation, WireFault fault)
    {
        var call = await StoreOperations.PrepareAsync(operation, Setup, Time);
        var faults = new ScriptedFaultHandler(ScriptedFaultHandler.Always(fault));

        var act = () => call.Run(StoreOn(faults), CancellationToken.None);

        var error = (await act.Should().ThrowAsync<SessionStoreException>()).Which;
        error.Should().BeOfType<SessionStoreException>("a provider fault is not a session error");
        error.TableName.Should().Be(Table);
        error.Operation.Should().Be(operation);
        error.SessionId.Should().Be(call.SessionId);
        error.Message.Should().Contain(Table).And.Contain(operation);
        ShouldBeTheSdkErrorFor(fault, error.InnerException);
        ShouldHaveTriedEachFirstRequest(faults, operation, MaxErrorRetry + 1 + (fault == WireFault.ConnectionReset ? StaleConnectionRetries : 0));
        output.WriteLine($"faults injected: {operation} {fault} {faults.Injected.Count}");
    }

    [Fact]
    public async Task An_attempt_that_times_out_is_retried_on_every_operation_and_the_calls_succeed()
    {
        // The client's own timeout cancels each hung attempt; 1 s leaves the server's real answers far inside it.
        var outcomes = await RunEveryOperationAtOnceAsync(
            ScriptedFaultHandler.FirstAttemptOfEachRequest(WireFault.Hang),
            faults => StoreOn(faults, timeout: TimeSpan.FromSeconds(1)),
            (call, store) => call.Run(store, CancellationToken.None));

        foreach (var (operation, call, result, faults) in outcomes)
        {
            await call.Verify(result);
            ShouldHaveRetriedEachRequestOnce(faults, operation);
            output.WriteLine($"faults injected: {operation} {WireFault.Hang} {faults.Injected.Count}");
        }
    }

    [Fact]
    public async Task Attempts_that_keep_timing_out_are_a_SessionStoreException_on_every_operation()
    {
        var outcomes = await RunEveryOperationAtOnceAsync(
            ScriptedFaultHandler.Always(WireFault.Hang),
            faults => StoreOn(faults, maxErrorRetry: 1, timeout: TimeSpan.FromMilliseconds(100)),
            (call, store) => Record.ExceptionAsync(() => call.Run(store, CancellationToken.None)));

        foreach (var (operation, call, error, faults) in outcomes)
        {
            var storeError = error.Should().BeOfType<SessionStoreException>().Which;
            storeError.TableName.Should().Be(Table);
            storeError.Operation.Should().Be(operation);
            storeError.SessionId.Should().Be(call.SessionId);
            storeError.Message.Should().Contain("timed out");
            ShouldBeTheSdkErrorFor(WireFault.Hang, storeError.InnerException);
            ShouldHaveTriedEachFirstRequest(faults, operation, attempts: 2);
            output.WriteLine($"faults injected: {operation} {WireFault.Hang} {faults.Injected.Count}");
        }
    }

    [Theory]
    [MemberData(nameof(EveryOperation))]
    public async Task Caller_cancellation_of_a_hung_request_is_an_OperationCanceledException_and_is_not_retried(string operation)
    {
        var call = await StoreOperations.PrepareAsync(operation, Setup, Time);
        var faults = new ScriptedFaultHandler(ScriptedFaultHandler.Always(WireFault.Hang));
        using var cancellation = new CancellationTokenSource();

        var running = call.Run(StoreOn(faults), cancellation.Token);
        await faults.Hanging.WaitAsync(TimeSpan.FromSeconds(30));
        await cancellation.CancelAsync();

        var error = await Record.ExceptionAsync(() => running);
        error.Should().BeAssignableTo<OperationCanceledException>();
        faults.Attempts.Select(a => a.Attempt).Should().OnlyContain(n => n == 1, "the SDK does not retry what the caller cancelled");
        output.WriteLine($"faults injected: {operation} {WireFault.Hang} {faults.Injected.Count}");
    }

    [Theory]
    [MemberData(nameof(EveryOperation))]
    public async Task A_call_with_a_cancelled_token_is_an_OperationCanceledException_and_is_not_retried(string operation)
    {
        var call = await StoreOperations.PrepareAsync(operation, Setup, Time);
        var faults = new ScriptedFaultHandler(_ => WireFault.None);

        var act = () => call.Run(StoreOn(faults), new CancellationToken(canceled: true));

        await act.Should().ThrowAsync<OperationCanceledException>();
        faults.Attempts.Should().OnlyContain(a => a.Attempt == 1);
        faults.Attempts.Select(a => a.Operation).Should().BeSubsetOf(StoreOperations.FirstRequestsOf(operation));
    }

    [Theory]
    [InlineData(WireFault.InternalServerError)]
    [InlineData(WireFault.ServiceUnavailable)]
    public async Task The_SDK_retry_policy_as_configured_by_default_retries_a_server_error_and_the_touch_succeeds(WireFault fault)
    {
        // The fixture's client keeps the SDK's standard policy untouched, backoff included.
        var call = await StoreOperations.PrepareAsync(SessionStoreOperations.Touch, Setup, Time);
        var faults = new ScriptedFaultHandler(ScriptedFaultHandler.FirstAttemptOfEachRequest(fault));
        var store = TestStores.DynamoDb(Server.CreateClient(faults), Table, Time);

        await call.Run(store, CancellationToken.None);

        await call.Verify(null);
        faults.Attempts.Select(a => a.Attempt).Should().Equal(1, 2);
        output.WriteLine($"faults injected: {SessionStoreOperations.Touch} {fault} {faults.Injected.Count}");
    }

    /// <summary>
    /// Prepares every operation, one after the other (ListByStatus last, so its session is the newest Active one), then
    /// runs them all at once, each <paramref name="run"/> on the store <paramref name="storeOn"/> builds around its own
    /// handler of <paramref name="script"/>.
    /// </summary>
    private async Task<(string Operation, PreparedCall Call, T Outcome, ScriptedFaultHandler Faults)[]> RunEveryOperationAtOnceAsync<T>(
        Func<WireAttempt, WireFault> script, Func<ScriptedFaultHandler, ISessionStore> storeOn, Func<PreparedCall, ISessionStore, Task<T>> run)
    {
        var calls = new List<(string Operation, PreparedCall Call)>();
        foreach (var operation in StoreOperations.All.OrderBy(o => o == SessionStoreOperations.ListByStatus))
        {
            calls.Add((operation, await StoreOperations.PrepareAsync(operation, Setup, Time)));
        }

        return await Task.WhenAll(calls.Select(async prepared =>
        {
            var faults = new ScriptedFaultHandler(script);
            var outcome = await run(prepared.Call, storeOn(faults));
            return (prepared.Operation, prepared.Call, outcome, faults);
        }));
    }

    private static void ShouldHaveRetriedEachRequestOnce(ScriptedFaultHandler faults, string operation)
    {
        var requests = faults.Attempts.Where(a => a.Attempt == 1).ToList();
        requests.Select(a => a.Operation).Should().BeEquivalentTo(StoreOperations.RequestsOf(operation), "{0} sends these requests", operation);
        faults.Attempts.GroupBy(a => (a.Operation, a.Body)).Should().OnlyContain(g => g.Count() == 2, "each request is retried exactly once");
        faults.Injected.Should().HaveCount(requests.Count).And.OnlyContain(i => i.Attempt.Attempt == 1);
    }

    private static void ShouldHaveTriedEachFirstRequest(ScriptedFaultHandler faults, string operation, int attempts)
    {
        faults.Attempts.Where(a => a.Attempt == 1).Select(a => a.Operation).Should().BeEquivalentTo(StoreOperations.FirstRequestsOf(operation));
        faults.Attempts.GroupBy(a => (a.Operation, a.Body)).Should().OnlyContain(g => g.Count() == attempts, "the SDK makes {0} attempts", attempts);
        faults.Injected.Should().HaveCount(faults.Attempts.Count);
    }

    private static void ShouldBeTheSdkErrorFor(WireFault fault, Exception? inner)
    {
        switch (fault)
        {
            case WireFault.ProvisionedThroughputExceeded:
                inner.Should().BeOfType<ProvisionedThroughputExceededException>();
                break;
            case WireFault.Throttling:
                inner.Should().BeOfType<ThrottlingException>();
                break;
            case WireFault.InternalServerError:
                inner.Should().BeOfType<InternalServerErrorException>();
                break;
            case WireFault.ServiceUnavailable:
                inner.Should().BeAssignableTo<AmazonDynamoDBException>().Which.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
                break;
            case WireFault.ConnectionReset:
                // The SDK unwraps HttpClient's HttpRequestException to the transport's error.
                inner.Should().BeOfType<IOException>().Which.InnerException.Should().BeOfType<System.Net.Sockets.SocketException>();
                break;
            case WireFault.BrokenConnection:
                inner.Should().BeOfType<IOException>();
                break;
            case WireFault.Hang:
                inner.Should().BeOfType<TimeoutException>();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, "No SDK error for this fault.");
        }
    }

    private DynamoDbSessionStore StoreOn(ScriptedFaultHandler faults, int maxErrorRetry = MaxErrorRetry, TimeSpan? timeout = null)
    {
        return StoreOn(Own(RetryingClient.Create(Server, RetryingClient.Chain(faults), maxErrorRetry, timeout)));
    }
}

public sealed class FaultInjectionTestsOnDynalite(DynaliteFixture server, ITestOutputHelper output) : FaultInjectionTests(server, output), IClassFixture<DynaliteFixture>;

public sealed class FaultInjectionTestsOnDynamoDbLocal(DynamoDbLocalFixture server, ITestOutputHelper output) : FaultInjectionTests(server, output), IClassFixture<DynamoDbLocalFixture>;
