using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TryOn.Contracts.People;
using TryOn.Grains.Engines;
using TryOn.Grains.People;
using TryOn.Pipeline.Images;
using TryOn.Vision.People;
using TryOn.Web.Images;

namespace TryOn.Tests.People;

/// <summary>The service's models as shipped (verified against the manifest, loaded, warmed) and the person analysis over them.</summary>
public sealed class PoseModelsFixture : IDisposable
{
    public PoseModelsFixture()
    {
        Models = new OnnxModels(Options.Create(new ModelOptions { IsnetDirectory = "" }), NullLogger<OnnxModels>.Instance);
        Models.Load();
        Analyzer = PoseModels.CreateAnalyzer(Models);
        Reader = new PersonReader(Analyzer);
    }

    internal OnnxModels Models { get; }

    internal PersonAnalyzer Analyzer { get; }

    internal PersonReader Reader { get; }

    internal ImagePipeline Pipeline { get; } = new(Options.Create(new ImagePipelineOptions()));

    /// <summary>A photo through the upload's path: decoded, framed, read (with the person-aware crop when asked).</summary>
    internal PersonReading Read(byte[] photoBytes, bool cropToPortrait = true)
    {
        using var photo = Pipeline.DecodePhoto(photoBytes).Value!;
        return Reader.Read(PersonPhoto.Of(photo), cropToPortrait);
    }

    /// <summary>A photo stored as an upload stores it: the person-aware crop's copy, and what was read in it.</summary>
    internal (StoredImage Stored, PersonReading Reading) Store(byte[] photoBytes)
    {
        using var photo = Pipeline.DecodePhoto(photoBytes).Value!;
        var reading = Reader.Read(PersonPhoto.Of(photo), cropToPortrait: true);
        return (photo.Encode(reading.Crop), reading);
    }

    public void Dispose()
    {
        Analyzer.Dispose();
        Models.Dispose();
    }
}
