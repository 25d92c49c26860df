using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Amazon.DynamoDBv2.Model;

namespace Sessions.DynamoDb;

/// <summary>
/// Lets a write recognise its own effect when the SDK retries it after an answer was lost. Every write of a session
/// stores, in an attribute of its own writer slot (<c>wseq.</c> + this store's random writer id + <c>.</c> + slot), a
/// sequence number that grows with every write of this store. A retried request that finds its slot's attribute holding
/// its own number knows it was applied; Touch also writes only while the slot holds a smaller number, so it is applied
/// once however often it is sent.
/// </summary>
/// <remarks>
/// A slot serves one call at a time for one session, so no later write of the same slot can overwrite a number before
/// the call that wrote it has finished: the comparison is exact under any concurrency. A session gets as many slot
/// attributes from one store as it ever had concurrent writes from it (about 20 bytes each).
/// </remarks>
internal sealed class WriteSlots
{
    /// <summary>The prefix of every slot attribute; the library's other attributes never start with it.</summary>
    public const string AttributePrefix = "wseq.";

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    private const int CachedNames = 64;

    private readonly ConcurrentDictionary<(string SessionId, int Slot), byte> _inUse = new();
    private readonly string[] _names;
    private readonly string _writer;
    private long _sequence;

    public WriteSlots()
        : this(NewWriterId())
    {
    }

    public WriteSlots(string writer)
    {
        _writer = writer;
        _names = new string[CachedNames];
        for (var i = 0; i < CachedNames; i++)
        {
            _names[i] = NameOf(i);
        }
    }

    /// <summary>Gets this store's writer id: 8 random characters of base32.</summary>
    public string Writer => _writer;

    /// <summary>Takes the lowest free slot of <paramref name="sessionId"/> and the next sequence number; dispose it when the call ends.</summary>
    public WriteSlot Acquire(string sessionId)
    {
        for (var slot = 0; ; slot++)
        {
            if (_inUse.TryAdd((sessionId, slot), 0))
            {
                return new WriteSlot(this, sessionId, slot, slot < CachedNames ? _names[slot] : NameOf(slot), Interlocked.Increment(ref _sequence));
            }
        }
    }

    /// <summary>Whether <paramref name="item"/> holds <paramref name="slot"/>'s own number: the slot's write was applied to it.</summary>
    public static bool Holds(Dictionary<string, AttributeValue>? item, WriteSlot slot) =>
        item is not null && item.TryGetValue(slot.Attribute, out var value) && value.N == slot.Number.N;

    private void Release(string sessionId, int slot) => _inUse.TryRemove((sessionId, slot), out _);

    private string NameOf(int slot) => string.Create(CultureInfo.InvariantCulture, $"{AttributePrefix}{_writer}.{slot}");

    private static string NewWriterId()
    {
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        return string.Create(8, random.ToArray(), static (chars, bytes) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = Alphabet[bytes[i] & 31];
            }
        });
    }

    /// <summary>One write's slot: the attribute it stores its number in, and the number.</summary>
    internal readonly struct WriteSlot : IDisposable
    {
        private readonly WriteSlots _owner;
        private readonly string _sessionId;
        private readonly int _slot;

        public WriteSlot(WriteSlots owner, string sessionId, int slot, string attribute, long sequence)
        {
            _owner = owner;
            _sessionId = sessionId;
            _slot = slot;
            Attribute = attribute;
            Number = SessionItem.N(sequence);
        }

        /// <summary>Gets the slot's attribute name.</summary>
        public string Attribute { get; }

        /// <summary>Gets this write's sequence number, as stored.</summary>
        public AttributeValue Number { get; }

        public void Dispose() => _owner?.Release(_sessionId, _slot);
    }
}
