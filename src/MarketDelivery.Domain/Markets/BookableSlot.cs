namespace MarketDelivery.Domain.Markets;

/// <summary>
/// A concrete delivery window on a given date. <see cref="SlotId"/> is "yyyy-MM-dd-{templateId}",
/// e.g. "2026-11-23-1100"; the offsets are those of the market's time zone.
/// </summary>
public sealed record BookableSlot(string SlotId, DateOnly Date, DateTimeOffset Start, DateTimeOffset End, DateTimeOffset Cutoff)
{
    /// <summary>The id of the <see cref="DeliverySlotTemplate"/> this slot was made from.</summary>
    public string TemplateId => SlotId[(SlotIds.DateLength + 1)..];
}

/// <summary>Why a slot id could not be resolved.</summary>
public enum SlotResolutionError
{
    None = 0,
    /// <summary>Not of the form yyyy-MM-dd-{templateId}.</summary>
    Malformed,
    /// <summary>Well-formed, but the market has no such slot template.</summary>
    UnknownSlot,
    /// <summary>The date is neither today nor tomorrow in the market's time zone.</summary>
    DateNotBookable,
    /// <summary>The slot exists but its cut-off has passed.</summary>
    PastCutoff,
}

/// <summary>Outcome of <see cref="Market.ResolveSlot"/>.</summary>
public sealed record SlotResolution(BookableSlot? Slot, SlotResolutionError Error, string Message)
{
    public bool Succeeded => Slot is not null;
}

internal static class SlotIds
{
    public const int DateLength = 10; // yyyy-MM-dd
    public const string DateFormat = "yyyy-MM-dd";

    public static string Format(DateOnly date, string templateId) =>
        date.ToString(DateFormat, System.Globalization.CultureInfo.InvariantCulture) + "-" + templateId;
}
