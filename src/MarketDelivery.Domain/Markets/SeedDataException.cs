namespace MarketDelivery.Domain.Markets;

/// <summary>
/// Seed data could not be loaded. <see cref="Exception.Message"/> reads "{file}: {problem}", where the file
/// is given relative to the data directory (e.g. "markets/amsa.json").
/// </summary>
public sealed class SeedDataException : Exception
{
    public SeedDataException()
        : this("(seed data)", "invalid seed data")
    {
    }

    public SeedDataException(string message)
        : this("(seed data)", message)
    {
    }

    public SeedDataException(string message, Exception innerException)
        : this("(seed data)", message, innerException)
    {
    }

    public SeedDataException(string file, string problem, Exception? innerException = null)
        : base($"{file}: {problem}", innerException)
    {
        File = file;
        Problem = problem;
    }

    /// <summary>The offending file, relative to the data directory where possible.</summary>
    public string File { get; }

    /// <summary>What is wrong with it, without the file name.</summary>
    public string Problem { get; }
}
