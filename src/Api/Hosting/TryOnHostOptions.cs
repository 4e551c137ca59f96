using Microsoft.Extensions.Options;

namespace TryOn.Api.Hosting;

internal enum HostingMode
{
    Embedded,
    Cluster,
}

/// <summary>How this process hosts Orleans. Bound from the configuration root (<c>DataDirectory</c>) and <c>Orleans:*</c>.</summary>
internal sealed class TryOnHostOptions
{
    public HostingMode Mode { get; set; } = HostingMode.Embedded;

    /// <summary>Embedded mode: where the SQLite database, the blobs and the bootstrap files live.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// Embedded mode: the silo's own port, bound on loopback only. It is the one Orleans port an embedded process
    /// opens: the API calls grains in-process, so no client gateway is listening (any Orleans client could otherwise
    /// call every grain, credits and keys included, without the admin token).
    /// </summary>
    public int SiloPort { get; set; } = 11111;

    public string DataDirectoryFullPath => Path.GetFullPath(DataDirectory);

    public static TryOnHostOptions From(IConfiguration configuration)
    {
        var options = new TryOnHostOptions();
        Bind(options, configuration);
        return options;
    }

    public static void Bind(TryOnHostOptions options, IConfiguration configuration)
    {
        configuration.GetSection("Orleans").Bind(options);
        options.DataDirectory = configuration["DataDirectory"] is { Length: > 0 } dataDirectory ? dataDirectory : options.DataDirectory;
    }
}

internal sealed class TryOnHostOptionsValidator : IValidateOptions<TryOnHostOptions>
{
    public ValidateOptionsResult Validate(string? name, TryOnHostOptions options)
    {
        var failures = new List<string>();
        if (options.SiloPort is < 1 or > 65535)
        {
            failures.Add("Orleans:SiloPort must be a TCP port (1-65535).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
