using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Sessions.Tests.Security;

/// <summary>
/// User text never becomes part of an expression: every request on the wire is inspected, and text written to look like
/// expression syntax appears only among the expression attribute values, the item and the keys — never in an
/// expression, a projection or an attribute name.
/// </summary>
public abstract partial class ExpressionInjectionTests(DynamoDbServerFixture server, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Marker = "QZX";

    private static readonly string[] ExpressionFields =
        ["UpdateExpression", "ConditionExpression", "KeyConditionExpression", "ProjectionExpression", "FilterExpression"];

    /// <summary>The fields where values belong; user text may appear there and nowhere else.</summary>
    private static readonly string[] ValueFields = ["ExpressionAttributeValues", "Item", "Key", "ExclusiveStartKey", "RequestItems"];

    private static int s_tests;

    // Each test in its own day, so its time-range walk meets its own sessions only.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2041, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(Interlocked.Increment(ref s_tests)));
    private readonly ScriptedFaultHandler _wire = new(_ => WireFault.None);
    private DynamoDbSessionStore _store = null!;

    public static TheoryData<string> HostileText => new()
    {
        "#status = :active",
        ":active) OR (attribute_exists(#id)",
        "x) OR attribute_not_exists(id) OR (#pk = :pk",
        "SET #status = :status REMOVE #rby",
        "\" , \"ConditionExpression\": \"attribute_exists(id)",
        "status",
        "user = :pk",
        "😀 #n :v ${x} {{y}}",
    };

    public async Task InitializeAsync()
    {
        var table = await server.SharedTableAsync();
        _store = TestStores.DynamoDb(server.CreateClient(_wire), table, _time);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [MemberData(nameof(HostileText))]
    public async Task Hostile_text_in_every_field_reaches_DynamoDB_only_as_values(string hostile)
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        string Text(string field) => $"{Marker}{field}{tag} {hostile}";
        var from = _time.GetUtcNow();
        var sessions = new List<ServerSession>();
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(1));
            sessions.Add(await _store.CreateAsync(ServerSession.Start(Text("user"), Text("profile"), Text("instance"), Text("source"), TimeSpan.FromHours(1), _time.GetUtcNow())));
        }

        var session = sessions[0];
        await _store.GetAsync(session.Id);
        await _store.TouchAsync(session.Id);
        var updated = await _store.UpdateAsync(session with { SourceIdentity = Text("renewed") });
        await FluentActions.Awaiting(() => _store.UpdateAsync(updated with { Version = 1, SourceIdentity = Text("stale") })).Should().ThrowAsync<SessionConcurrencyException>();
        await _store.FindActiveByServerInstanceAsync(Text("instance"));
        await WalkAsync(p => _store.ListByUserAsync(Text("user"), p));
        await WalkAsync(p => _store.ListByProfileAsync(Text("profile"), p));
        await _store.ListByStatusAsync(SessionStatus.Active, new PageRequest(2));
        await WalkAsync(p => _store.ListByTimeRangeAsync(from, _time.GetUtcNow().AddTicks(1), p));
        await _store.RevokeAsync(session.Id, Text("revoker"), Text("reason"));
        await _store.RevokeAsync(session.Id, Text("revoker"), Text("reason"));
        await FluentActions.Awaiting(() => _store.RevokeAsync(session.Id, Text("other"), Text("reason"))).Should().ThrowAsync<SessionRevokedException>();
        await FluentActions.Awaiting(() => _store.TouchAsync(session.Id)).Should().ThrowAsync<SessionRevokedException>();
        await _store.ExpireAsync(sessions[1].Id);
        await FluentActions.Awaiting(() => _store.CreateAsync(sessions[2] with { User = Text("impostor") })).Should().ThrowAsync<SessionAlreadyExistsException>();
        await _store.DeleteAsync(sessions[2].Id);

        var requests = _wire.Attempts;
        requests.Select(r => r.Operation).Distinct().Should().BeEquivalentTo(["PutItem", "GetItem", "UpdateItem", "DeleteItem", "Query", "BatchGetItem"]);
        foreach (var request in requests)
        {
            var body = JsonNode.Parse(request.Body)!.AsObject();
            foreach (var field in ExpressionFields)
            {
                if (body[field]?.GetValue<string>() is { } expression)
                {
                    ShouldBeAFixedExpression(request.Operation, field, expression, body);
                }
            }

            foreach (var field in ValueFields)
            {
                body.Remove(field);
            }

            body.ToJsonString().Should().NotContain(Marker, "{0} carries user text only as values", request.Operation);
        }

        output.WriteLine($"{requests.Count} requests inspected");
    }

    private static void ShouldBeAFixedExpression(string operation, string field, string expression, JsonObject body)
    {
        expression.Should().NotContain(Marker, "{0}.{1} holds no user text", operation, field);
        ExpressionAlphabet().IsMatch(expression).Should().BeTrue("{0}.{1} is made of placeholders, keywords and operators only: {2}", operation, field, expression);

        var names = body["ExpressionAttributeNames"]?.AsObject();
        var values = body["ExpressionAttributeValues"]?.AsObject();
        foreach (Match placeholder in Placeholder().Matches(expression))
        {
            var token = placeholder.Value;
            var declared = token[0] == '#' ? names?.ContainsKey(token) : values?.ContainsKey(token);
            declared.Should().BeTrue("{0}.{1} uses {2}, which the request declares", operation, field, token);
        }

        foreach (var name in names ?? [])
        {
            name.Value!.GetValue<string>().Should().MatchRegex(@"^([a-z_]+|wseq\.[a-z2-7]{8}\.[0-9]+)$", "attribute names are the layout's own or a writer slot's ({0})", operation);
        }
    }

    private static async Task WalkAsync(Func<PageRequest, Task<SessionPage>> list)
    {
        var page = new PageRequest(1);
        do
        {
            var result = await list(page);
            page = page with { ContinuationToken = result.ContinuationToken };
        }
        while (page.ContinuationToken is not null);
    }

    [GeneratedRegex(@"^[A-Za-z_#:(), =<>+]+$")]
    private static partial Regex ExpressionAlphabet();

    [GeneratedRegex(@"[#:][A-Za-z_]+")]
    private static partial Regex Placeholder();
}

public sealed class ExpressionInjectionTestsOnDynalite(DynaliteFixture server, ITestOutputHelper output) : ExpressionInjectionTests(server, output), IClassFixture<DynaliteFixture>;

public sealed class ExpressionInjectionTestsOnDynamoDbLocal(DynamoDbLocalFixture server, ITestOutputHelper output) : ExpressionInjectionTests(server, output), IClassFixture<DynamoDbLocalFixture>;
