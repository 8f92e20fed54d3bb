namespace MarketDelivery.Server.Auth;

/// <summary>Delivers a customer's one-time sign-in code (an SMS gateway in production).</summary>
public interface IOneTimeCodeSender
{
    Task SendAsync(string phone, string code, DateTimeOffset expiresAt, CancellationToken cancellationToken);
}

/// <summary>The built-in sender: writes the code to the log, for development and demos without an SMS gateway.</summary>
public sealed partial class LoggingOneTimeCodeSender(ILogger<LoggingOneTimeCodeSender> logger) : IOneTimeCodeSender
{
    public Task SendAsync(string phone, string code, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        LogCode(logger, phone, code, expiresAt);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sign-in code for {Phone}: {Code} (valid until {ExpiresAt:O})")]
    private static partial void LogCode(ILogger logger, string phone, string code, DateTimeOffset expiresAt);
}
