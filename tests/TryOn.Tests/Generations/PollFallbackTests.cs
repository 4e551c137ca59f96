using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TryOn.Contracts.Generations;
using TryOn.Hosting.Files;
using TryOn.Hosting.Generations;
using TryOn.Storage.ReadModels;
using TryOn.Storage.Sqlite;
using TryOn.Tests.Infrastructure;
using TryOn.Web.Authentication;
using TryOn.Web.TryOn;

namespace TryOn.Tests.Generations;

/// <summary>
/// A poll while the generation's grain cannot be reached (its silo died and the cluster has not moved it yet) answers
/// from the read model, as last published for that account; with nothing published, the failure goes on (a 503).
/// </summary>
public sealed class PollFallbackTests : IAsyncLifetime
{
    private const string AccountId = "acct_pollfallback";

    private readonly TempDirectory _directory = new();
    private SqliteDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = new SqliteDatabase(_directory.Path);
        await _database.ApplySchemaAsync();
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _directory.Dispose();
    }

    private static ClaimsPrincipal Merchant() => new(new ClaimsIdentity([new Claim(TryOnClaims.AccountId, AccountId)], "test"));

    private static FileLinks Links()
    {
        var options = Options.Create(new FileLinkOptions { SigningKey = new string('k', 40), PublicBaseUrl = new Uri("https://tryon.example.test") });
        return new FileLinks(options, new PublicOrigin(options, null!), new FakeTimeProvider());
    }

    [Fact]
    public async Task A_poll_whose_grain_is_unreachable_answers_what_the_read_model_holds()
    {
        var generations = new GenerationReadModel(_database);
        var now = DateTimeOffset.UtcNow;
        await generations.UpsertAsync(new GenerationRecord(
            AccountId, new GenerationView("gen_held", GenerationStatus.Processing, 0, null, "tee", null, null, null, null, null, now, now), null, 2));

        var answer = await TryOnEndpoints.GetAsync("gen_held", Merchant(), UnreachableGrains.Create(), generations, Links(), CancellationToken.None);

        var ok = Assert.IsType<Ok<GenerationResponse>>(answer.Result);
        Assert.Equal(("gen_held", "PROCESSING"), (ok.Value!.GenerationId, ok.Value.Status));
    }

    [Fact]
    public async Task A_poll_whose_grain_is_unreachable_and_unpublished_keeps_the_failure()
    {
        var generations = new GenerationReadModel(_database);

        await Assert.ThrowsAsync<SiloUnavailableException>(() =>
            TryOnEndpoints.GetAsync("gen_unknown", Merchant(), UnreachableGrains.Create(), generations, Links(), CancellationToken.None));
    }

    /// <summary>A grain factory whose generation grains all live on a silo that just died.</summary>
    public class UnreachableGrains : DispatchProxy
    {
        public static IGrainFactory Create() => DispatchProxy.Create<IGrainFactory, UnreachableGrains>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } && targetMethod.GetGenericArguments()[0] == typeof(IGenerationGrain)
                ? DispatchProxy.Create<IGenerationGrain, DeadGeneration>()
                : throw new NotSupportedException($"Not expected: {targetMethod?.Name}.");
    }

    public class DeadGeneration : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            Task.FromException<GenerationLookup>(new SiloUnavailableException("The generation's silo died."));
    }
}
