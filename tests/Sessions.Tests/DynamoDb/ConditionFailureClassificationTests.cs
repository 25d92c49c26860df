using Moq;

namespace Sessions.Tests.DynamoDb;

/// <summary>
/// The one-round-trip classification of refused writes: DynamoDB returns the old item with the failed condition
/// (ALL_OLD), and the store names the failure from it without a second request. dynalite ignores ALL_OLD, so these
/// canned failures are the proof of that path.
/// </summary>
public sealed class ConditionFailureClassificationTests
{
    private const string Table = "sessions";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly Mock<IAmazonDynamoDB> _client = new(MockBehavior.Strict);
    private readonly DynamoDbSessionStore _store;
    private readonly ServerSession _session;

    public ConditionFailureClassificationTests()
    {
        _store = TestStores.DynamoDb(_client.Object, Table, _time);
        _session = ServerSession.Start("alice", "prod", "i-1", "svc", TimeSpan.FromHours(1), _time.GetUtcNow()) with { Version = 3 };
    }

    [Fact]
    public async Task Touch_refused_with_a_revoked_old_item_throws_SessionRevokedException_in_one_request()
    {
        FailUpdateWith(_session.Revoke("ops", "leak", _time.GetUtcNow()));

        var error = (await FluentActions.Awaiting(() => _store.TouchAsync(_session.Id)).Should().ThrowAsync<SessionRevokedException>()).Which;

        error.RevokedBy.Should().Be("ops");
        error.RevokedReason.Should().Be("leak");
        _client.Verify(c => c.UpdateItemAsync(It.IsAny<UpdateItemRequest>(), It.IsAny<CancellationToken>()), Times.Once);
        _client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Touch_refused_with_an_active_old_item_past_ExpiresAt_throws_SessionExpiredException()
    {
        _time.SetUtcNow(_session.ExpiresAt);
        FailUpdateWith(_session);

        await FluentActions.Awaiting(() => _store.TouchAsync(_session.Id)).Should().ThrowAsync<SessionExpiredException>();
        VerifyOneUpdateOnly();
    }

    [Fact]
    public async Task Update_refused_with_a_newer_version_throws_SessionConcurrencyException_naming_both_versions()
    {
        FailUpdateWith(_session with { Version = 5 });

        var error = (await FluentActions.Awaiting(() => _store.UpdateAsync(_session with { SourceIdentity = "x" })).Should().ThrowAsync<SessionConcurrencyException>()).Which;

        error.ExpectedVersion.Should().Be(3);
        error.ActualVersion.Should().Be(5);
        _client.Verify(c => c.UpdateItemAsync(It.IsAny<UpdateItemRequest>(), It.IsAny<CancellationToken>()), Times.Once);
        _client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Update_refused_with_an_expired_old_item_throws_InvalidSessionTransitionException()
    {
        FailUpdateWith(_session.Expire(_time.GetUtcNow()) with { Version = 4 });

        (await FluentActions.Awaiting(() => _store.UpdateAsync(_session)).Should().ThrowAsync<InvalidSessionTransitionException>())
            .Which.From.Should().Be(SessionStatus.Expired);
        VerifyOneUpdateOnly();
    }

    [Fact]
    public async Task Revoke_refused_with_an_expired_old_item_throws_SessionExpiredException()
    {
        FailUpdateWith(_session.Expire(_time.GetUtcNow()));

        await FluentActions.Awaiting(() => _store.RevokeAsync(_session.Id, "ops", "late")).Should().ThrowAsync<SessionExpiredException>();
        VerifyOneUpdateOnly();
    }

    [Fact]
    public async Task Expire_refused_with_a_revoked_old_item_throws_SessionRevokedException()
    {
        FailUpdateWith(_session.Revoke("ops", "leak", _time.GetUtcNow()));

        await FluentActions.Awaiting(() => _store.ExpireAsync(_session.Id)).Should().ThrowAsync<SessionRevokedException>();
        VerifyOneUpdateOnly();
    }

    [Fact]
    public async Task A_refused_write_without_an_old_item_reads_it_once_and_reports_not_found()
    {
        FailUpdateWith(old: null);
        _client.Setup(c => c.GetItemAsync(It.Is<GetItemRequest>(r => r.ConsistentRead == true && r.TableName == Table), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new GetItemResponse());

        await FluentActions.Awaiting(() => _store.RevokeAsync(_session.Id, "ops", "gone")).Should().ThrowAsync<SessionNotFoundException>();

        _client.Verify(c => c.UpdateItemAsync(It.IsAny<UpdateItemRequest>(), It.IsAny<CancellationToken>()), Times.Once);
        _client.Verify(c => c.GetItemAsync(It.IsAny<GetItemRequest>(), It.IsAny<CancellationToken>()), Times.Once);
        _client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Every_conditional_write_asks_for_the_old_item_on_failure()
    {
        var requests = new List<UpdateItemRequest>();
        _client.Setup(c => c.UpdateItemAsync(It.IsAny<UpdateItemRequest>(), It.IsAny<CancellationToken>()))
            .Callback<UpdateItemRequest, CancellationToken>((r, _) => requests.Add(r))
            .ReturnsAsync(new UpdateItemResponse { Attributes = SessionItem.ToItem(_session, TimeSpan.FromHours(1)) });

        await _store.TouchAsync(_session.Id);
        await _store.UpdateAsync(_session);
        await _store.RevokeAsync(_session.Id, "ops", "x");
        await _store.ExpireAsync(_session.Id);

        requests.Should().HaveCount(4).And.OnlyContain(r => r.ReturnValuesOnConditionCheckFailure == ReturnValuesOnConditionCheckFailure.ALL_OLD);
    }

    [Fact]
    public async Task A_provider_fault_becomes_SessionStoreException_naming_table_and_operation_with_the_cause_inside()
    {
        var fault = new ProvisionedThroughputExceededException("slow down");
        _client.Setup(c => c.UpdateItemAsync(It.IsAny<UpdateItemRequest>(), It.IsAny<CancellationToken>())).ThrowsAsync(fault);

        var error = (await FluentActions.Awaiting(() => _store.TouchAsync(_session.Id)).Should().ThrowAsync<SessionStoreException>()).Which;

        error.Should().BeOfType<SessionStoreException>();
        error.InnerException.Should().BeSameAs(fault);
        error.TableName.Should().Be(Table);
        error.Operation.Should().Be("Touch");
        error.SessionId.Should().Be(_session.Id);
        error.Message.Should().Contain(Table).And.Contain("Touch");
    }

    [Fact]
    public async Task A_corrupt_old_item_becomes_SessionCorruptException_naming_the_item_and_attribute()
    {
        var item = SessionItem.ToItem(_session, TimeSpan.FromHours(1));
        item[SessionItem.Status] = new AttributeValue { S = "paused" };
        _client.Setup(c => c.UpdateItemAsync(It.IsAny<UpdateItemRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConditionalCheckFailedException("refused") { Item = item });

        var error = (await FluentActions.Awaiting(() => _store.TouchAsync(_session.Id)).Should().ThrowAsync<SessionCorruptException>()).Which;

        error.AttributeName.Should().Be(SessionItem.Status);
        error.Operation.Should().Be("Touch");

        error.Message.Should().Contain(_session.Id).And.Contain("status").And.Contain("paused");
        error.TableName.Should().Be(Table);
    }

    [Fact]
    public async Task Touch_of_an_item_with_expires_at_in_another_form_costs_two_writes_and_no_read_where_the_old_item_is_returned()
    {
        // What DynamoDB (and DynamoDB Local) answer: the old item with the failed condition, so no GetItem.
        var item = SessionItem.ToItem(_session, TimeSpan.FromHours(1));
        var goForm = GoWrittenItems.Rfc3339Nano(_session.ExpiresAt, TimeSpan.FromHours(-5));
        item[SessionItem.ExpiresAt] = SessionItem.S(goForm);
        _client.SetupSequence(c => c.UpdateItemAsync(It.IsAny<UpdateItemRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConditionalCheckFailedException("refused") { Item = item })
            .ReturnsAsync(new UpdateItemResponse { Attributes = item });

        await _store.TouchAsync(_session.Id);

        _client.Verify(c => c.UpdateItemAsync(It.IsAny<UpdateItemRequest>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
        _client.VerifyNoOtherCalls();
        _client.Invocations[1].Arguments[0].Should().BeOfType<UpdateItemRequest>().Which.Should().Match<UpdateItemRequest>(r =>
            r.ConditionExpression == SessionExpressions.TouchSeenCondition
            && r.UpdateExpression == SessionExpressions.TouchRewritingExpiry
            && r.ExpressionAttributeValues[SessionExpressions.SeenExpiresValue].S == goForm
            && r.ExpressionAttributeValues[SessionExpressions.ExpiresValue].S == SessionTimestamp.Format(_session.ExpiresAt));
    }

    [Fact]
    public async Task Touch_of_an_item_that_changes_under_every_attempt_fails_closed_after_three_writes()
    {
        var item = SessionItem.ToItem(_session, TimeSpan.FromHours(1));
        item[SessionItem.ExpiresAt] = SessionItem.S(GoWrittenItems.Rfc3339Nano(_session.ExpiresAt, TimeSpan.FromHours(2)));
        _client.Setup(c => c.UpdateItemAsync(It.IsAny<UpdateItemRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConditionalCheckFailedException("refused") { Item = item });

        var error = (await FluentActions.Awaiting(() => _store.TouchAsync(_session.Id)).Should().ThrowAsync<SessionStoreException>()).Which;

        error.Should().BeOfType<SessionStoreException>("it is not a verdict on the session, and it is not served");
        error.Message.Should().Contain("changed during each of 3 Touch attempts");
        _client.Verify(c => c.UpdateItemAsync(It.IsAny<UpdateItemRequest>(), It.IsAny<CancellationToken>()), Times.Exactly(3));
        _client.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Update_of_an_item_that_changes_under_every_attempt_fails_after_three_writes_and_is_not_called_a_conflict()
    {
        var item = SessionItem.ToItem(_session, TimeSpan.FromHours(1));
        item[SessionItem.ExpiresAt] = SessionItem.S(GoWrittenItems.Rfc3339Nano(_session.ExpiresAt, TimeSpan.FromHours(2)));
        _client.Setup(c => c.UpdateItemAsync(It.IsAny<UpdateItemRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConditionalCheckFailedException("refused") { Item = item });

        var error = (await FluentActions.Awaiting(() => _store.UpdateAsync(_session with { SourceIdentity = "x" })).Should().ThrowAsync<SessionStoreException>()).Which;

        error.Should().BeOfType<SessionStoreException>("the stored version is the one given: it is no conflict");
        error.Message.Should().Contain("changed during each of 3 Update attempts");
        _client.Verify(c => c.UpdateItemAsync(It.IsAny<UpdateItemRequest>(), It.IsAny<CancellationToken>()), Times.Exactly(3));
        _client.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("NULL")]
    [InlineData("string")]
    public async Task Revoke_of_an_item_whose_version_is_not_a_number_replaces_it_in_a_second_write_without_a_read(string version)
    {
        var item = SessionItem.ToItem(_session, TimeSpan.FromHours(1));
        item[SessionItem.Version] = version == "NULL" ? new AttributeValue { NULL = true } : SessionItem.S("7");
        var revoked = SessionItem.ToItem(_session.Revoke("ops", "bad version", _time.GetUtcNow()) with { Version = 1 }, TimeSpan.FromHours(1));
        _client.SetupSequence(c => c.UpdateItemAsync(It.IsAny<UpdateItemRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConditionalCheckFailedException("refused") { Item = item })
            .ReturnsAsync(new UpdateItemResponse { Attributes = revoked });

        var stored = await _store.RevokeAsync(_session.Id, "ops", "bad version");

        stored.Status.Should().Be(SessionStatus.Revoked);
        stored.Version.Should().Be(1);
        _client.Verify(c => c.UpdateItemAsync(It.IsAny<UpdateItemRequest>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
        _client.VerifyNoOtherCalls();
        _client.Invocations[1].Arguments[0].Should().BeOfType<UpdateItemRequest>().Which.Should().Match<UpdateItemRequest>(r =>
            r.ConditionExpression == SessionExpressions.IsActiveWithMalformedVersion && r.UpdateExpression == SessionExpressions.RevokeResettingVersion);
    }

    private void VerifyOneUpdateOnly()
    {
        _client.Verify(c => c.UpdateItemAsync(It.IsAny<UpdateItemRequest>(), It.IsAny<CancellationToken>()), Times.Once);
        _client.VerifyNoOtherCalls();
    }

    private void FailUpdateWith(ServerSession? old) =>
        _client.Setup(c => c.UpdateItemAsync(It.Is<UpdateItemRequest>(r => r.TableName == Table), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConditionalCheckFailedException("The conditional request failed")
            {
                Item = old is null ? null : SessionItem.ToItem(old, TimeSpan.FromHours(1)),
            });
}
