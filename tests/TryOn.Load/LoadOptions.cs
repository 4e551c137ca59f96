using System.Globalization;
using System.Net;

namespace TryOn.Load;

/// <summary>
/// Command line of the load tool. Everything is bounded: loopback targets only, at most five minutes, at most 1000
/// requests in flight.
/// </summary>
internal sealed record LoadOptions(string Scenario, Uri Target, string DataDirectory, TimeSpan Duration, int Concurrency, int Accounts, int? ServerPid, string AccountId = LoadTarget.DevelopmentAccountId)
{
    public const string Usage = """
        usage: dotnet run -c Release --project tests/TryOn.Load -- <scenario> [options]
          scenarios: p1 (POST /try-on), p2 (GET /generations/:id), p6 (10 MB uploads), mixed
          --url URL          the running service, loopback only (default http://127.0.0.1:5000)
          --data DIR         its data directory, for the development key and admin token (default ./data)
          --seconds N        how long to send (1-300, default 20; p6 sends --concurrency uploads once)
          --concurrency N    requests in flight (1-1000, default 64; p6 default 200)
          --accounts N       merchant accounts to spread the workers over (1-64, default 1: the development
                             account; more are made through the admin API)
          --pid N            the service's process id, to report its peak memory (VmHWM)
          --account ID       the account of the data directory's dev-api-key.txt (default acct_dev, the
                             embedded development account)
        """;

    public static LoadOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("p1" or "p2" or "p6" or "mixed"))
        {
            throw new ArgumentException("Name a scenario.");
        }

        var scenario = args[0];
        var target = new Uri("http://127.0.0.1:5000");
        var data = "data";
        var seconds = 20;
        var concurrency = scenario == "p6" ? 200 : 64;
        var accounts = 1;
        int? pid = null;
        var account = LoadTarget.DevelopmentAccountId;
        for (var i = 1; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--url": target = new Uri(value); break;
                case "--data": data = value; break;
                case "--seconds": seconds = Bounded(value, 1, 300, "--seconds"); break;
                case "--concurrency": concurrency = Bounded(value, 1, 1000, "--concurrency"); break;
                case "--accounts": accounts = Bounded(value, 1, 64, "--accounts"); break;
                case "--pid": pid = Bounded(value, 1, int.MaxValue, "--pid"); break;
                case "--account": account = value; break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }

        if (!target.IsLoopback && !(IPAddress.TryParse(target.Host, out var address) && IPAddress.IsLoopback(address)))
        {
            throw new ArgumentException("The load tool only targets loopback addresses (127.0.0.1, [::1], localhost).");
        }

        return new LoadOptions(scenario, target, data, TimeSpan.FromSeconds(seconds), concurrency, accounts, pid, account);
    }

    private static int Bounded(string value, int min, int max, string name) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw new ArgumentException($"{name} must be a whole number from {min} to {max}.");
}
