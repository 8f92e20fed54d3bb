namespace MarketDelivery.Contracts.Common;

/// <summary>The answer to a command: a value, or the reason it was refused. Grains return these instead of throwing for business rules.</summary>
[GenerateSerializer, Immutable, Alias("md.CommandResult`1")]
public sealed record CommandResult<T>([property: Id(0)] T? Value, [property: Id(1)] CommandError? Error)
{
    public bool Succeeded => Error is null;

    public static CommandResult<T> Ok(T value) => new(value, null);

    public static CommandResult<T> Fail(CommandError error) => new(default, error);

    public static implicit operator CommandResult<T>(CommandError error) => Fail(error);
}
