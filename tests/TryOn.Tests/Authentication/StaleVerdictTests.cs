using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TryOn.Contracts.ApiKeys;
using TryOn.Web.Authentication;

namespace TryOn.Tests.Authentication;

/// <summary>
/// While a key's index grain cannot be reached (its silo died), its last verdict stands in, for at most
/// <see cref="ApiKeyAuthenticationOptions.StaleWhenUnreachable"/>; with none, the failure goes on to become a 503.
/// </summary>
public sealed class StaleVerdictTests
{
    private static readonly ApiKeyVerdict Valid = new(new ApiKeyOwner("acct_shop", "key_1"), Valid: true);

    private readonly FakeTimeProvider _clock = new();

    /// <summary>What the key's index answers: a verdict, or the failure of a dead silo.</summary>
    private readonly IndexAnswer _index = new();
    private readonly ApiKeyResolver _resolver;
    private readonly string _key = ApiKeySecret.Create();

    public StaleVerdictTests()
    {
        var options = new ServiceCollection()
            .Configure<ApiKeyAuthenticationOptions>(ApiKeyDefaults.AuthenticationScheme, options =>
            {
                options.CacheDuration = TimeSpan.FromMilliseconds(500);
                options.StaleWhenUnreachable = TimeSpan.FromSeconds(60);
            })
            .BuildServiceProvider()
            .GetRequiredService<IOptionsMonitor<ApiKeyAuthenticationOptions>>();
        _resolver = new ApiKeyResolver(_index.Factory(), _clock, options, NullLogger<ApiKeyResolver>.Instance);
    }

    [Fact]
    public async Task A_key_verified_before_stays_accepted_while_its_index_is_unreachable_then_the_failure_shows()
    {
        _index.Answer(_key, Valid);
        Assert.Equal(new ApiKeyIdentity("acct_shop", "key_1"), await _resolver.ResolveAsync(_key));

        _index.Unreachable(_key);
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(new ApiKeyIdentity("acct_shop", "key_1"), await _resolver.ResolveAsync(_key));

        _clock.Advance(TimeSpan.FromSeconds(31));
        await Assert.ThrowsAsync<SiloUnavailableException>(async () => await _resolver.ResolveAsync(_key));
    }

    [Fact]
    public async Task A_key_never_verified_gets_the_failure()
    {
        _index.Unreachable(_key);

        await Assert.ThrowsAsync<SiloUnavailableException>(async () => await _resolver.ResolveAsync(_key));
    }

    [Fact]
    public async Task A_refused_key_stays_refused_while_its_index_is_unreachable()
    {
        _index.Answer(_key, Valid with { Valid = false });
        Assert.Null(await _resolver.ResolveAsync(_key));

        _index.Unreachable(_key);
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Null(await _resolver.ResolveAsync(_key));
    }

    /// <summary>Index grains as the resolver sees them, answering per key hash.</summary>
    internal sealed class IndexAnswer
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ApiKeyVerdict?> _answers = new(StringComparer.Ordinal);

        public void Answer(string key, ApiKeyVerdict verdict) => _answers[ApiKeySecret.IndexGrainKey(ApiKeySecret.Hash(key))] = verdict;

        public void Unreachable(string key) => _answers[ApiKeySecret.IndexGrainKey(ApiKeySecret.Hash(key))] = null;

        public IGrainFactory Factory()
        {
            var factory = DispatchProxy.Create<IGrainFactory, FactoryProxy>();
            ((FactoryProxy)(object)factory).Index = this;
            return factory;
        }

        public Task<ApiKeyVerdict?> VerifyAsync(string indexKey) =>
            _answers.TryGetValue(indexKey, out var verdict) && verdict is not null
                ? Task.FromResult<ApiKeyVerdict?>(verdict)
                : Task.FromException<ApiKeyVerdict?>(new SiloUnavailableException("The silo of the key's index died."));
    }

    /// <summary>GetGrain&lt;IApiKeyGrain&gt;(key) only: the one call the resolver makes for a key with a verdict.</summary>
    public class FactoryProxy : DispatchProxy
    {
        internal IndexAnswer Index { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } && targetMethod.GetGenericArguments()[0] == typeof(IApiKeyGrain)
                && args is [string indexKey, ..])
            {
                var grain = DispatchProxy.Create<IApiKeyGrain, IndexProxy>();
                ((IndexProxy)(object)grain).Bind(Index, indexKey);
                return grain;
            }

            throw new NotSupportedException($"The resolver was not expected to call {targetMethod?.Name}.");
        }
    }

    public class IndexProxy : DispatchProxy
    {
        private IndexAnswer _index = null!;
        private string _key = "";

        internal void Bind(IndexAnswer index, string key) => (_index, _key) = (index, key);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name == nameof(IApiKeyGrain.VerifyAsync)
            ? _index.VerifyAsync(_key)
            : throw new NotSupportedException($"The resolver was not expected to call {targetMethod?.Name}.");
    }
}
