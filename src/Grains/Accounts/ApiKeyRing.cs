using System.Security.Cryptography;
using TryOn.Contracts.Accounts;
using TryOn.Contracts.ApiKeys;

namespace TryOn.Grains.Accounts;

/// <summary>
/// The rules of an account's API keys, over its state: a key is valid while it is not revoked and the account is
/// active; its hash is compared in constant time; its last use is kept at minute precision. A change of a key's
/// standing (issue, revocation, a change of the active flag) is noted in the state, committed with the change, until
/// the key's index grain has been told (an outbox, like the ledger's), so a failure in between is repaired by a retry
/// or the next activation. Plain code with no I/O.
/// </summary>
internal sealed class ApiKeyRing(AccountState account)
{
    /// <summary>How stale a key's persisted last-use time may get: bounds writes to one per key per interval.</summary>
    public static readonly TimeSpan LastUsedPrecision = TimeSpan.FromMinutes(1);

    /// <summary>The record of a new key: only the hash of <paramref name="secret"/> is kept, and a prefix to tell keys apart.</summary>
    public static ApiKeyRecord NewRecord(string keyId, string name, string secret, DateTimeOffset now) => new()
    {
        KeyId = keyId,
        Name = name,
        Prefix = ApiKeySecret.DisplayPrefix(secret),
        Hash = ApiKeySecret.Hash(secret),
        CreatedAt = now,
    };

    /// <summary>Whether some key's index has yet to learn its standing.</summary>
    public bool HasUnannounced => account.UnannouncedApiKeys.Count > 0;

    /// <summary>Whether this key's index has yet to learn its standing.</summary>
    public bool IsUnannounced(string keyId) => account.UnannouncedApiKeys.Contains(keyId);

    /// <summary>Adds an issued key; its index learns that it is valid once the account is committed.</summary>
    public void Add(ApiKeyRecord key)
    {
        ArgumentNullException.ThrowIfNull(key);
        account.ApiKeys.Add(key);
        account.UnannouncedApiKeys.Add(key.KeyId);
    }

    /// <summary>The keys without secrets, oldest first.</summary>
    public IReadOnlyList<ApiKeyInfo> List() => [.. account.ApiKeys.Select(key => key.ToInfo())];

    /// <summary>Revokes the key; only <see cref="ApiKeyRevocation.Revoked"/> changes the state.</summary>
    public ApiKeyRevocation Revoke(string keyId, DateTimeOffset now)
    {
        var key = Find(keyId);
        if (key is null)
        {
            return ApiKeyRevocation.KeyNotFound;
        }

        if (key.RevokedAt is not null)
        {
            return ApiKeyRevocation.AlreadyRevoked;
        }

        key.RevokedAt = now;
        account.UnannouncedApiKeys.Add(keyId);
        return ApiKeyRevocation.Revoked;
    }

    /// <summary>Sets the account's active flag; a change of it changes the standing of every key not revoked.</summary>
    public void SetAccountActive(bool active)
    {
        if (account.Active == active)
        {
            return;
        }

        account.Active = active;
        foreach (var key in account.ApiKeys.Where(key => key.RevokedAt is null))
        {
            account.UnannouncedApiKeys.Add(key.KeyId);
        }
    }

    /// <summary>Whether the key with this id and SHA-256 hash may call the API (the hash compared in constant time).</summary>
    public ApiKeyCheck Check(string keyId, ReadOnlySpan<byte> hash)
    {
        var key = Find(keyId);
        return key is null || !CryptographicOperations.FixedTimeEquals(key.Hash, hash) ? ApiKeyCheck.UnknownKey
            : key.RevokedAt is not null ? ApiKeyCheck.Revoked
            : !account.Active ? ApiKeyCheck.AccountInactive
            : ApiKeyCheck.Valid;
    }

    /// <summary>Records a use of a valid key; true when its last-use time changed (at most once a minute).</summary>
    public bool RecordUse(string keyId, DateTimeOffset now)
    {
        var key = Find(keyId);
        if (key is null || !IsValid(key) || (key.LastUsedAt is { } lastUsed && now - lastUsed < LastUsedPrecision))
        {
            return false;
        }

        key.LastUsedAt = now;
        return true;
    }

    /// <summary>The key's standing as of the account's current version.</summary>
    public ApiKeyStanding StandingOf(ApiKeyRecord key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(IsValid(key), account.Version);
    }

    /// <summary>The key with this id, or null.</summary>
    public ApiKeyRecord? Find(string keyId) => account.ApiKeys.Find(candidate => candidate.KeyId == keyId);

    /// <summary>Keys whose index has yet to learn their standing.</summary>
    public IReadOnlyList<ApiKeyRecord> Unannounced() =>
        [.. account.ApiKeys.Where(key => account.UnannouncedApiKeys.Contains(key.KeyId))];

    /// <summary>The key's index knows its standing; cleared in memory, persisted with the next write.</summary>
    public void Announced(string keyId) => account.UnannouncedApiKeys.Remove(keyId);

    private bool IsValid(ApiKeyRecord key) => key.RevokedAt is null && account.Active;
}
