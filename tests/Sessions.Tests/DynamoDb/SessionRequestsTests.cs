using System.Text.RegularExpressions;
using Sessions.Paging;

namespace Sessions.Tests.DynamoDb;

/// <summary>
/// The requests the DynamoDB store sends: DynamoDB refuses a request that binds a name or a value its expressions do
/// not use, or uses one it does not bind, so each request binds exactly the placeholders its expressions name.
/// </summary>
public sealed partial class SessionRequestsTests
{
    private const string Table = "sessions";
    private static readonly DateTimeOffset Now = new(2030, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ServerSession Session = ServerSession.Start("alice", "prod", "i-1", "svc", TimeSpan.FromHours(1), Now) with { Version = 3 };
    private readonly SessionRequests _requests = new(Table, TimeSpan.FromHours(2));
    private readonly WriteSlots.WriteSlot _slot = new WriteSlots("testwrtr").Acquire(Session.Id);

    public static TheoryData<string> UpdateShapes => ["none", "by", "reason", "both", "unversioned"];

    /// <summary>A table of one Region; the first Region of a global table (home of unmarked items too); another Region.</summary>
    public static TheoryData<string> Homes => ["none", "first", "other"];

    [Theory]
    [MemberData(nameof(Homes))]
    public void Every_write_binds_exactly_the_names_and_values_its_expressions_use(string home)
    {
        var requests = RequestsIn(home);
        var old = SessionItem.ToItem(Session, TimeSpan.FromHours(1));
        UpdateItemRequest[] writes =
        [
            requests.Touch(Session.Id, Now, _slot),
            requests.TouchJudged(Session.Id, Now, Session.ExpiresAt, old[SessionItem.ExpiresAt], _slot),
            requests.Update(Session, Now, _slot),
            requests.UpdateJudged(Session, Now, old, _slot),
            requests.Revoke(Session.Id, "ops", "leak", Now, _slot),
            requests.Expire(Session.Id, Now, _slot),
            requests.ResettingVersion(requests.Revoke(Session.Id, "ops", "leak", Now, _slot)),
            requests.ResettingVersion(requests.Expire(Session.Id, Now, _slot)),
        ];

        foreach (var write in writes)
        {
            ShouldBindExactly(write.ExpressionAttributeNames, write.ExpressionAttributeValues, write.UpdateExpression, write.ConditionExpression);
            write.TableName.Should().Be(Table);
            write.Key.Should().ContainSingle().Which.Value.S.Should().Be(Session.Id);
            write.ReturnValuesOnConditionCheckFailure.Should().Be(ReturnValuesOnConditionCheckFailure.ALL_OLD);
            if (requests.Home is { } guard)
            {
                write.ConditionExpression.Should().EndWith(" AND " + guard.Condition, "every write on a global table is of a session homed in its Region");
                write.ExpressionAttributeValues[SessionExpressions.HomeValue].S.Should().Be(guard.Region);
            }
            else
            {
                write.ConditionExpression.Should().NotContain(SessionExpressions.HomeName);
            }
        }

        var delete = requests.Delete(Session.Id);
        ShouldBindExactly(delete.ExpressionAttributeNames, delete.ExpressionAttributeValues, delete.ConditionExpression);
        var create = requests.Create(Session, _slot);
        ShouldBindExactly(create.ExpressionAttributeNames, create.ExpressionAttributeValues, create.ConditionExpression);
        if (requests.Home is { } home2)
        {
            delete.ConditionExpression.Should().Be(SessionExpressions.NothingOr + home2.Condition);
            delete.ReturnValues.Should().Be(ReturnValue.ALL_OLD, "a Delete on a global table tells whether this Region held the session");
            create.Item[SessionItem.HomeRegion].S.Should().Be(home2.Region, "Create homes the session in the store's Region");
        }
        else
        {
            delete.ConditionExpression.Should().BeNull("a Delete on a table of one Region is unconditional, as before");
            create.Item.Should().NotContainKey(SessionItem.HomeRegion, "an item on a table of one Region is as it was");
        }
    }

    [Fact]
    public void Only_the_first_Region_writes_items_that_name_no_home()
    {
        RequestsIn("first").Home!.Condition.Should().Be(SessionExpressions.HomeIsOrUnmarked);
        RequestsIn("other").Home!.Condition.Should().Be(SessionExpressions.HomeIs);
        HomeGuard.HomeOf(new() { [SessionItem.HomeRegion] = SessionItem.S("eu-west-1") }, "us-east-1").Should().Be("eu-west-1");
        HomeGuard.HomeOf(new() { [SessionItem.HomeRegion] = SessionItem.S(string.Empty) }, "us-east-1").Should().Be("us-east-1", "\"\" is an unset string");
        HomeGuard.HomeOf(new() { [SessionItem.HomeRegion] = SessionItem.N(7) }, "us-east-1").Should().Be("us-east-1", "a home that is not a string names none");
        HomeGuard.HomeOf([], "us-east-1").Should().Be("us-east-1");
    }

    private static SessionRequests RequestsIn(string home) => home switch
    {
        "first" => new SessionRequests(Table, TimeSpan.FromHours(2), new HomeGuard("us-east-1", HomesUnmarked: true)),
        "other" => new SessionRequests(Table, TimeSpan.FromHours(2), new HomeGuard("eu-west-1", HomesUnmarked: false)),
        _ => new SessionRequests(Table, TimeSpan.FromHours(2)),
    };

    [Theory]
    [MemberData(nameof(UpdateShapes))]
    public void Update_binds_exactly_what_it_uses_whichever_revocation_fields_and_version_the_session_has(string shape)
    {
        var session = shape switch
        {
            "by" => Session with { RevokedBy = "ops" },
            "reason" => Session with { RevokedReason = "why" },
            "both" => Session with { RevokedBy = "ops", RevokedReason = "why" },
            "unversioned" => Session with { Version = 0 },
            _ => Session,
        };

        var update = _requests.Update(session, Now, _slot);
        var judged = _requests.UpdateJudged(session, Now, SessionItem.ToItem(session, TimeSpan.FromHours(1)), _slot);

        ShouldBindExactly(update.ExpressionAttributeNames, update.ExpressionAttributeValues, update.UpdateExpression, update.ConditionExpression);
        ShouldBindExactly(judged.ExpressionAttributeNames, judged.ExpressionAttributeValues, judged.UpdateExpression, judged.ConditionExpression);
        update.ReturnValues.Should().Be(ReturnValue.ALL_NEW);
    }

    [Fact]
    public void Update_of_an_active_session_requires_a_stored_ExpiresAt_not_yet_passed_and_a_terminal_one_does_not()
    {
        _requests.Update(Session, Now, _slot).ConditionExpression.Should().Contain(SessionExpressions.UpdateNotExpired);
        _requests.Update(Session.Expire(Now), Now, _slot).ConditionExpression.Should().NotContain(SessionExpressions.UpdateNotExpired);
        _requests.Update(Session with { Version = 0 }, Now, _slot).ConditionExpression.Should().StartWith(SessionExpressions.UpdateUnversioned);
    }

    [Fact]
    public void Update_writes_the_next_version_and_the_ttl_of_the_retention_past_ExpiresAt()
    {
        var values = _requests.Update(Session, Now, _slot).ExpressionAttributeValues;

        values[SessionExpressions.NextVersionValue].N.Should().Be("4");
        values[SessionExpressions.VersionValue].N.Should().Be("3");
        values[SessionExpressions.TtlValue].N.Should().Be(Session.ExpiresAt.AddHours(2).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_version_reset_keeps_the_transition_it_resets()
    {
        _requests.ResettingVersion(_requests.Revoke(Session.Id, "ops", "leak", Now, _slot)).UpdateExpression.Should().Be(SessionExpressions.RevokeResettingVersion);
        _requests.ResettingVersion(_requests.Expire(Session.Id, Now, _slot)).UpdateExpression.Should().Be(SessionExpressions.TransitionResettingVersion);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_index_page_reads_keys_only_newest_first_and_binds_what_its_key_condition_uses(bool ranged)
    {
        var range = ranged ? (SessionItem.S("2030"), SessionItem.S("2031")) : ((AttributeValue, AttributeValue)?)null;

        var query = _requests.IndexPage(SessionTable.UserIndex, SessionItem.User, "alice", PageCursor.Start, 25, range);

        ShouldBindExactly(query.ExpressionAttributeNames, query.ExpressionAttributeValues, query.KeyConditionExpression, query.ProjectionExpression);
        query.ScanIndexForward.Should().BeFalse();
        query.Limit.Should().Be(25);
        query.ExclusiveStartKey.Should().BeNullOrEmpty();
    }

    [Fact]
    public void An_index_page_after_a_cursor_starts_in_the_partition_of_the_query_whatever_the_cursor_holds()
    {
        var query = _requests.IndexPage(SessionTable.UserIndex, SessionItem.User, "alice", PageCursor.After("2030-05-01T12:00:00.0000000Z", Session.Id), 10, null);

        query.ExclusiveStartKey[SessionItem.User].S.Should().Be("alice");
        query.ExclusiveStartKey[SessionItem.Id].S.Should().Be(Session.Id);
        query.ExclusiveStartKey[SessionItem.CreatedAt].S.Should().Be("2030-05-01T12:00:00.0000000Z");
    }

    [Fact]
    public void The_instance_query_asks_for_active_entries_by_key_condition_never_by_filter()
    {
        var query = _requests.ActiveOfInstance("i-1", startKey: null);

        ShouldBindExactly(query.ExpressionAttributeNames, query.ExpressionAttributeValues, query.KeyConditionExpression, query.ProjectionExpression);
        query.IndexName.Should().Be(SessionTable.ServerInstanceIndex);
        query.FilterExpression.Should().BeNullOrEmpty();
        query.Limit.Should().BeNull();
    }

    [Fact]
    public void Create_puts_only_where_no_item_has_the_id_and_reads_consistently()
    {
        var put = _requests.Create(Session, _slot);

        ShouldBindExactly(put.ExpressionAttributeNames, put.ExpressionAttributeValues, put.ConditionExpression);
        put.Item[SessionItem.Id].S.Should().Be(Session.Id);
        put.Item[_slot.Attribute].Should().Be(_slot.Number, "the writer slot's number lets a retried put recognise its own item");
        _slot.Attribute.Should().Be("wseq.testwrtr.0");
        _requests.Get(Session.Id).ConsistentRead.Should().BeTrue();
        _requests.Delete(Session.Id).ConditionExpression.Should().BeNullOrEmpty();
    }

    private static void ShouldBindExactly(Dictionary<string, string>? names, Dictionary<string, AttributeValue>? values, params string?[] expressions)
    {
        var text = string.Join(" ", expressions);
        var usedNames = NamePlaceholder().Matches(text).Select(m => m.Value).ToHashSet();
        var usedValues = ValuePlaceholder().Matches(text).Select(m => m.Value).ToHashSet();

        (names?.Keys.ToList() ?? []).Should().BeEquivalentTo(usedNames, "every name bound is used and every name used is bound in: {0}", text);
        (values?.Keys.ToList() ?? []).Should().BeEquivalentTo(usedValues, "every value bound is used and every value used is bound in: {0}", text);
    }

    [GeneratedRegex("#[a-z]+")]
    private static partial Regex NamePlaceholder();

    [GeneratedRegex(":[a-z]+")]
    private static partial Regex ValuePlaceholder();
}
