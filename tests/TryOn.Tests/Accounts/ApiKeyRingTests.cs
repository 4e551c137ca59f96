using TryOn.Contracts.Accounts;
using TryOn.Contracts.ApiKeys;
using TryOn.Grains.Accounts;
using TryOn.Grains.ApiKeys;

namespace TryOn.Tests.Accounts;

/// <summary>The API-key rules over a bare <see cref="AccountState"/>: no silo, no index grains.</summary>
public sealed class ApiKeyRingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly AccountState _account = new() { Created = true, Active = true, Version = 7 };

    private ApiKeyRing Keys => new(_account);

    private (ApiKeyRecord Key, string Secret) Issue(string keyId)
    {
        var secret = ApiKeySecret.Create();
        var key = ApiKeyRing.NewRecord(keyId, "server", secret, Now);
        Keys.Add(key);
        return (key, secret);
    }

    [Fact]
    public void A_new_key_keeps_only_the_hash_and_a_prefix_and_its_index_is_to_be_told()
    {
        var (key, secret) = Issue("key_1");

        Assert.Equal(ApiKeySecret.Hash(secret), key.Hash);
        Assert.Equal(secret[..ApiKeySecret.DisplayPrefixLength], key.Prefix);
        Assert.DoesNotContain(secret, key.ToInfo().ToString(), StringComparison.Ordinal);
        Assert.Equal(["key_1"], Keys.Unannounced().Select(unannounced => unannounced.KeyId));
        Assert.Equal(new ApiKeyStanding(true, 7), Keys.StandingOf(key));
    }

    [Fact]
    public void The_hash_must_match_and_revoked_keys_and_inactive_accounts_are_refused()
    {
        var (key, secret) = Issue("key_1");
        var wrong = ApiKeySecret.Hash(secret);
        wrong[^1] ^= 1;

        Assert.Equal(ApiKeyCheck.Valid, Keys.Check("key_1", ApiKeySecret.Hash(secret)));
        Assert.Equal(ApiKeyCheck.UnknownKey, Keys.Check("key_1", wrong));
        Assert.Equal(ApiKeyCheck.UnknownKey, Keys.Check("key_other", ApiKeySecret.Hash(secret)));

        Keys.SetAccountActive(false);
        Assert.Equal(ApiKeyCheck.AccountInactive, Keys.Check("key_1", key.Hash));
        Assert.False(Keys.StandingOf(key).Valid);

        Keys.SetAccountActive(true);
        Assert.Equal(ApiKeyRevocation.Revoked, Keys.Revoke("key_1", Now));
        Assert.Equal(ApiKeyRevocation.AlreadyRevoked, Keys.Revoke("key_1", Now.AddMinutes(1)));
        Assert.Equal(ApiKeyRevocation.KeyNotFound, Keys.Revoke("key_other", Now));
        Assert.Equal(ApiKeyCheck.Revoked, Keys.Check("key_1", key.Hash));
        Assert.Equal(Now, key.RevokedAt);
        Assert.False(Keys.StandingOf(key).Valid);
    }

    [Fact]
    public void Revocations_and_changes_of_the_active_flag_note_the_keys_whose_index_must_learn_it()
    {
        var (first, _) = Issue("key_1");
        var (second, _) = Issue("key_2");
        Keys.Announced("key_1");
        Keys.Announced("key_2");
        Assert.False(Keys.HasUnannounced);

        Keys.Revoke("key_1", Now);
        Assert.Equal(["key_1"], Keys.Unannounced().Select(key => key.KeyId));
        Keys.Announced("key_1");

        // Setting the flag it already has changes no standing; a change touches only the keys not revoked.
        Keys.SetAccountActive(true);
        Assert.False(Keys.HasUnannounced);
        Keys.SetAccountActive(false);
        Assert.Equal([second], Keys.Unannounced());
        Assert.True(Keys.IsUnannounced("key_2"));
        Assert.False(Keys.IsUnannounced(first.KeyId));
    }

    [Fact]
    public void Use_is_recorded_for_valid_keys_at_minute_precision()
    {
        var (key, _) = Issue("key_1");

        Assert.True(Keys.RecordUse("key_1", Now));
        Assert.False(Keys.RecordUse("key_1", Now.AddSeconds(59)));
        Assert.True(Keys.RecordUse("key_1", Now.AddMinutes(1)));
        Assert.Equal(Now.AddMinutes(1), key.LastUsedAt);

        Keys.Revoke("key_1", Now);
        Assert.False(Keys.RecordUse("key_1", Now.AddMinutes(5)));
        Assert.False(Keys.RecordUse("key_unknown", Now));
    }
}
