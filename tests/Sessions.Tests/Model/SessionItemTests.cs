namespace Sessions.Tests.Model;

public sealed class SessionItemTests
{
    private const string Id = "0123456789abcdef";
    private static readonly DateTimeOffset Now = new(2026, 1, 20, 2, 19, 9, TimeSpan.Zero);
    private static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    private static ServerSession ActiveSession() =>
        ServerSession.Start("alice", "prod", "i-1", "svc-reader", TimeSpan.FromHours(8), Now.AddTicks(1_234_567)) with
        {
            Id = Id,
            LastAccessAt = Now.AddMinutes(5).AddTicks(7),
            RequestCount = 42,
            UpdatedAt = Now.AddMinutes(1),
            Version = 3,
        };

    public static TheoryData<string> Sessions => new() { "active", "revoked", "revoked-empty-reason", "expired", "unicode", "extremes" };

    [Theory]
    [MemberData(nameof(Sessions))]
    public void FromItem_reads_back_what_ToItem_wrote(string kind)
    {
        var session = SessionOf(kind);

        var read = SessionItem.FromItem(SessionItem.ToItem(session, Retention));

        read.Should().Be(session);
        read.StartedAt.Offset.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void ToItem_writes_the_established_attribute_names_and_types()
    {
        var session = ActiveSession().Revoke("operator", "leaked", Now.AddMinutes(2));

        var item = SessionItem.ToItem(session, Retention);

        item.Keys.Should().BeEquivalentTo(
            "id", "user", "profile", "server_instance_id", "status", "started_at", "last_access_at", "expires_at",
            "request_count", "source_identity", "created_at", "updated_at", "revoked_by", "revoked_reason", "version", "ttl");
        item["id"].S.Should().Be(Id);
        item["user"].S.Should().Be("alice");
        item["profile"].S.Should().Be("prod");
        item["server_instance_id"].S.Should().Be("i-1");
        item["status"].S.Should().Be("revoked");
        item["started_at"].S.Should().Be("2026-01-20T02:19:09.1234567Z");
        item["created_at"].S.Should().Be("2026-01-20T02:19:09.1234567Z");
        item["last_access_at"].S.Should().Be("2026-01-20T02:24:09.0000007Z");
        item["expires_at"].S.Should().Be("2026-01-20T10:19:09.1234567Z");
        item["updated_at"].S.Should().Be("2026-01-20T02:21:09.0000000Z");
        item["request_count"].N.Should().Be("42");
        item["source_identity"].S.Should().Be("svc-reader");
        item["revoked_by"].S.Should().Be("operator");
        item["revoked_reason"].S.Should().Be("leaked");
        item["version"].N.Should().Be("3");
    }

    [Fact]
    public void ToItem_leaves_out_revocation_fields_of_an_active_session()
    {
        var item = SessionItem.ToItem(ActiveSession(), Retention);

        item.Should().NotContainKey("revoked_by").And.NotContainKey("revoked_reason");
    }

    [Fact]
    public void An_item_without_version_reads_as_version_0()
    {
        var item = SessionItem.ToItem(ActiveSession(), Retention);
        item.Remove("version");

        SessionItem.FromItem(item).Version.Should().Be(0);
    }

    [Theory]
    [InlineData("version")]
    [InlineData("request_count")]
    public void A_NULL_counter_is_corrupt(string attribute)
    {
        ShouldBeCorruptWith(attribute, new AttributeValue { NULL = true });
    }

    [Fact]
    public void Empty_strings_of_other_writers_read_as_absent()
    {
        var item = SessionItem.ToItem(ActiveSession(), Retention);
        foreach (var name in new[] { "revoked_by", "revoked_reason", "source_identity", "last_access_at", "updated_at" })
        {
            item[name] = new AttributeValue { S = string.Empty };
        }

        var session = SessionItem.FromItem(item);

        session.RevokedBy.Should().BeNull();
        session.RevokedReason.Should().BeNull();
        session.SourceIdentity.Should().BeEmpty();
        session.LastAccessAt.Should().Be(session.StartedAt);
        session.UpdatedAt.Should().Be(session.CreatedAt);
    }

    [Fact]
    public void An_empty_reason_of_a_revoked_session_is_kept()
    {
        var revoked = ActiveSession().Revoke("operator", string.Empty, Now.AddMinutes(3));

        SessionItem.FromItem(SessionItem.ToItem(revoked, Retention)).RevokedReason.Should().BeEmpty();
    }

    [Fact]
    public void Ttl_of_an_expiry_at_the_end_of_the_calendar_saturates_instead_of_overflowing()
    {
        var ttl = SessionItem.TtlOf(DateTimeOffset.MaxValue, TimeSpan.FromDays(36_500));

        long.Parse(ttl.N, System.Globalization.CultureInfo.InvariantCulture).Should().Be((DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond);
    }

    [Fact]
    public void An_item_written_by_another_tool_without_optional_attributes_reads_with_defaults()
    {
        var item = SessionItem.ToItem(ActiveSession(), Retention);
        foreach (var name in new[] { "version", "request_count", "source_identity", "last_access_at", "updated_at", "ttl" })
        {
            item.Remove(name);
        }

        var read = SessionItem.FromItem(item);

        read.Version.Should().Be(0);
        read.RequestCount.Should().Be(0);
        read.SourceIdentity.Should().BeEmpty();
        read.LastAccessAt.Should().Be(read.StartedAt);
        read.UpdatedAt.Should().Be(read.CreatedAt);
    }

    [Theory]
    [InlineData("2026-01-20T02:19:09.0000000Z", "2026-01-20T03:19:09Z")] // whole second: not rounded
    [InlineData("2026-01-20T02:19:09.0000001Z", "2026-01-20T03:19:10Z")] // one tick past: rounded up
    [InlineData("2026-01-20T02:19:09.5000000Z", "2026-01-20T03:19:10Z")]
    [InlineData("2026-01-20T02:19:09.9999999Z", "2026-01-20T03:19:10Z")]
    public void Ttl_is_expires_at_plus_retention_in_epoch_seconds_rounded_up(string expiresAt, string ttlInstant)
    {
        var session = ActiveSession() with { ExpiresAt = SessionTimestamp.Parse(expiresAt) };
        var expected = SessionTimestamp.Parse(ttlInstant).ToUnixTimeSeconds();

        var item = SessionItem.ToItem(session, Retention);

        item["ttl"].N.Should().Be(expected.ToString(System.Globalization.CultureInfo.InvariantCulture));
        SessionItem.TtlOf(session.ExpiresAt, Retention).N.Should().Be(item["ttl"].N);
    }

    [Fact]
    public void Ttl_follows_the_retention()
    {
        var expiresAt = new DateTimeOffset(2026, 1, 20, 2, 19, 9, TimeSpan.Zero);

        SessionItem.TtlOf(expiresAt, TimeSpan.Zero).N.Should().Be(expiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        SessionItem.TtlOf(expiresAt, TimeSpan.FromDays(30)).N.Should().Be(expiresAt.AddDays(30).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        SessionItem.TtlOf(expiresAt.ToOffset(TimeSpan.FromHours(2)), TimeSpan.Zero).N.Should().Be("1768875549");
    }

    [Theory]
    [InlineData("2026-01-20T02:19:09.5Z", 5_000_000)]
    [InlineData("2026-01-20T02:19:09Z", 0)]
    [InlineData("2026-01-20T02:19:09.123456789Z", 1_234_567)]
    [InlineData("2026-01-20T04:19:09.25+02:00", 2_500_000)]
    public void Timestamps_written_by_other_tools_are_read(string text, long fractionTicks)
    {
        var item = SessionItem.ToItem(ActiveSession(), Retention);
        foreach (var name in new[] { "started_at", "last_access_at", "created_at", "updated_at" })
        {
            item[name] = new AttributeValue { S = text };
        }

        var read = SessionItem.FromItem(item);

        var expected = Now.AddTicks(fractionTicks);
        read.StartedAt.Should().Be(expected);
        read.LastAccessAt.Should().Be(expected);
        read.CreatedAt.Should().Be(expected);
        read.UpdatedAt.Should().Be(expected);
    }

    [Theory]
    [InlineData("user")]
    [InlineData("profile")]
    [InlineData("server_instance_id")]
    [InlineData("status")]
    [InlineData("started_at")]
    [InlineData("expires_at")]
    [InlineData("created_at")]
    public void An_item_missing_a_required_attribute_is_corrupt(string attribute)
    {
        var item = SessionItem.ToItem(ActiveSession(), Retention);
        item.Remove(attribute);

        ShouldBeCorrupt(item, attribute);
    }

    [Theory]
    [InlineData("user")]
    [InlineData("profile")]
    [InlineData("server_instance_id")]
    [InlineData("status")]
    [InlineData("started_at")]
    [InlineData("last_access_at")]
    [InlineData("expires_at")]
    [InlineData("source_identity")]
    [InlineData("created_at")]
    [InlineData("updated_at")]
    [InlineData("revoked_by")]
    [InlineData("revoked_reason")]
    public void A_number_where_a_string_belongs_is_corrupt(string attribute)
    {
        var item = SessionItem.ToItem(ActiveSession().Revoke("operator", "leaked", Now), Retention);
        item[attribute] = new AttributeValue { N = "1768875549" };

        ShouldBeCorrupt(item, attribute);
    }

    [Theory]
    [InlineData("request_count")]
    [InlineData("version")]
    public void A_string_where_a_number_belongs_is_corrupt(string attribute)
    {
        ShouldBeCorruptWith(attribute, new AttributeValue { S = "42" });
    }

    [Theory]
    [InlineData("Active")]
    [InlineData("paused")]
    [InlineData("")]
    public void An_unknown_status_is_corrupt(string status)
    {
        ShouldBeCorruptWith("status", new AttributeValue { S = status });
    }

    [Theory]
    [InlineData("started_at", "yesterday")]
    [InlineData("expires_at", "2026-02-30T00:00:00Z")]
    [InlineData("created_at", "2026-01-20T02:19:09")]
    [InlineData("last_access_at", "1768875549")]
    [InlineData("updated_at", "2026-01-20 02:19:09Z")]
    [InlineData("started_at", "")]
    public void An_unparsable_timestamp_is_corrupt(string attribute, string text)
    {
        ShouldBeCorruptWith(attribute, new AttributeValue { S = text });
    }

    [Theory]
    [InlineData("request_count", "-1")]
    [InlineData("request_count", "1.5")]
    [InlineData("request_count", "1e3")]
    [InlineData("request_count", "99999999999999999999")]
    [InlineData("version", "-3")]
    public void A_count_that_is_not_a_whole_number_of_at_least_0_is_corrupt(string attribute, string number)
    {
        ShouldBeCorruptWith(attribute, new AttributeValue { N = number });
    }

    [Theory]
    [InlineData("version", "9223372036854775807")]
    [InlineData("expires_at", "not after started_at")]
    [InlineData("revoked_by", "on an Active session")]
    [InlineData("revoked_reason", "on an Active session")]
    [InlineData("user", "1,025 bytes")]
    [InlineData("profile", "1,025 bytes")]
    [InlineData("server_instance_id", "1,025 bytes")]
    [InlineData("source_identity", "4,097 bytes")]
    public void A_value_no_write_of_the_library_stores_is_corrupt_so_that_whatever_is_read_can_be_written_back(string attribute, string what)
    {
        var item = SessionItem.ToItem(ActiveSession(), Retention);
        item[attribute] = what switch
        {
            "9223372036854775807" => new AttributeValue { N = what },
            "not after started_at" => item["started_at"],
            "on an Active session" => new AttributeValue { S = "ops" },
            "1,025 bytes" => new AttributeValue { S = new string('é', 512) + "x" },
            _ => new AttributeValue { S = new string('s', 4_097) },
        };

        ShouldBeCorrupt(item, attribute);
    }

    [Theory]
    [InlineData("NOT-A-SESSION-ID")]
    [InlineData("0123456789ABCDEF")]
    [InlineData("0123456789abcde")]
    public void An_item_whose_id_is_not_a_session_id_is_corrupt_naming_it(string id)
    {
        var item = SessionItem.ToItem(ActiveSession(), Retention);
        item["id"] = new AttributeValue { S = id };

        var error = FluentActions.Invoking(() => SessionItem.FromItem(item)).Should().ThrowExactly<SessionCorruptException>().Which;
        error.AttributeName.Should().Be("id");
        error.SessionId.Should().Be(id);
    }

    [Fact]
    public void An_item_without_a_string_id_is_corrupt_naming_the_id_attribute()
    {
        var missing = SessionItem.ToItem(ActiveSession(), Retention);
        missing.Remove("id");
        var number = SessionItem.ToItem(ActiveSession(), Retention);
        number["id"] = new AttributeValue { N = "7" };

        foreach (var item in new[] { missing, number })
        {
            var error = FluentActions.Invoking(() => SessionItem.FromItem(item)).Should().ThrowExactly<SessionCorruptException>().Which;
            error.AttributeName.Should().Be("id");
            error.Message.Should().Contain("'id'");
            error.SessionId.Should().BeNull();
        }
    }

    [Fact]
    public void Key_names_only_the_id()
    {
        var key = SessionItem.Key(Id);

        key.Should().ContainSingle().Which.Key.Should().Be("id");
        key["id"].S.Should().Be(Id);
    }

    private static void ShouldBeCorruptWith(string attribute, AttributeValue value)
    {
        var item = SessionItem.ToItem(ActiveSession(), Retention);
        item[attribute] = value;

        ShouldBeCorrupt(item, attribute);
    }

    private static void ShouldBeCorrupt(Dictionary<string, AttributeValue> item, string attribute)
    {
        var act = () => SessionItem.FromItem(item);

        var error = act.Should().ThrowExactly<SessionCorruptException>().Which;
        error.AttributeName.Should().Be(attribute);
        error.SessionId.Should().Be(Id);
        error.Message.Should().Contain(Id).And.Contain($"'{attribute}'");
    }

    private static ServerSession SessionOf(string kind) => kind switch
    {
        "active" => ActiveSession(),
        "revoked" => ActiveSession().Revoke("operator", "credentials leaked", Now.AddMinutes(3)) with { Version = 4 },
        "revoked-empty-reason" => ActiveSession().Revoke("operator", string.Empty, Now.AddMinutes(3)),
        "expired" => ActiveSession().Expire(Now.AddHours(8).AddTicks(1)) with { Version = 4 },
        "unicode" => ActiveSession() with { User = "j\u00FCrgen \U0001F600", Profile = "prod/\u20AC", ServerInstanceId = "i-\u0663", SourceIdentity = string.Empty },
        "extremes" => ActiveSession() with
        {
            StartedAt = DateTimeOffset.MinValue,
            LastAccessAt = DateTimeOffset.MinValue,
            CreatedAt = DateTimeOffset.MinValue,
            UpdatedAt = DateTimeOffset.MinValue.AddTicks(1),
            ExpiresAt = new DateTimeOffset(9000, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(9_999_999),
            RequestCount = long.MaxValue,
            Version = long.MaxValue - 1,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
