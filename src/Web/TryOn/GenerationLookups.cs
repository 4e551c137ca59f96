using TryOn.Contracts.Generations;
using TryOn.Web.Errors;

namespace TryOn.Web.TryOn;

/// <summary>How the gateway finds one generation for an account: the API's <c>GET /generations/:id</c> and the dashboard.</summary>
internal static class GenerationLookups
{
    /// <summary>Whether <paramref name="generationId"/> has the shape of a generation id (anything else is not found).</summary>
    public static bool IsGenerationId(string? generationId) =>
        generationId is { Length: <= 64 } && generationId.StartsWith("gen_", StringComparison.Ordinal);

    /// <summary>
    /// The generation from its grain, or, while the grain cannot be reached (its silo died and the cluster has not
    /// moved it yet) or does not answer within the read deadline, as the read model last has it for this account, so a
    /// poll neither fails nor hangs for a silo's death.
    /// </summary>
    public static async Task<GenerationLookup> FindAsync(
        IGrainFactory grains, IGenerationReadModel generations, string generationId, string accountId, CancellationToken cancellationToken)
    {
        if (!IsGenerationId(generationId))
        {
            return new GenerationLookup(GenerationLookupStatus.NotFound, null);
        }

        try
        {
            return await grains.GetGrain<IGenerationGrain>(generationId).FindAsync(accountId, cancellationToken).WithinReadDeadline(cancellationToken);
        }
        catch (Exception exception) when (ClusterFailures.IsUnreachable(exception))
        {
            var published = await generations.FindAsync(accountId, generationId, cancellationToken);
            if (published is null)
            {
                throw;
            }

            return new GenerationLookup(GenerationLookupStatus.Found, published);
        }
    }
}
