using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using NetTopologySuite.Geometries;

namespace MarketDelivery.Domain.Markets;

/// <summary>
/// A traditional market (전통시장) with its stalls, its delivery service area and its daily delivery slots.
/// Instances come from <see cref="SeedDataLoader"/>, which validates them.
/// </summary>
public sealed record Market(
    string Id,
    string Name,
    string District,
    string Address,
    GeoPoint Location,
    HandOverPoint HandOverPoint,
    Polygon ServiceArea,
    TimeZoneInfo TimeZone,
    OpeningHours OpeningHours,
    IReadOnlyList<DeliverySlotTemplate> Slots,
    IReadOnlyList<Stall> Stalls)
{
    private static readonly GeometryFactory Wgs84 = new(new PrecisionModel(), 4326);

    /// <summary>True if <paramref name="p"/> lies inside the service area (its boundary counts as inside).</summary>
    public bool Serves(GeoPoint p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (!p.IsValid)
        {
            return false;
        }
        return ServiceArea.Covers(Wgs84.CreatePoint(new Coordinate(p.Lon, p.Lat)));
    }

    public Stall? FindStall(string id)
    {
        foreach (var stall in Stalls)
        {
            if (string.Equals(stall.Id, id, StringComparison.Ordinal))
            {
                return stall;
            }
        }
        return null;
    }

    public DeliverySlotTemplate? FindSlotTemplate(string templateId)
    {
        foreach (var template in Slots)
        {
            if (string.Equals(template.Id, templateId, StringComparison.Ordinal))
            {
                return template;
            }
        }
        return null;
    }

    /// <summary>Today's date in the market's time zone.</summary>
    public DateOnly LocalDate(DateTimeOffset now) => MarketTimeZones.LocalDate(TimeZone, now);

    /// <summary>The concrete slot for <paramref name="template"/> on <paramref name="date"/> (no cut-off check).</summary>
    public BookableSlot SlotOn(DateOnly date, DeliverySlotTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return new BookableSlot(
            SlotIds.Format(date, template.Id),
            date,
            MarketTimeZones.At(TimeZone, date, template.Start),
            MarketTimeZones.At(TimeZone, date, template.End),
            MarketTimeZones.At(TimeZone, date, template.Cutoff));
    }

    /// <summary>
    /// Today's and tomorrow's slots (market time zone) whose cut-off is still after <paramref name="now"/>,
    /// ordered by start time.
    /// </summary>
    public IReadOnlyList<BookableSlot> BookableSlots(DateTimeOffset now)
    {
        var today = LocalDate(now);
        var result = new List<BookableSlot>(Slots.Count * 2);
        foreach (var date in new[] { today, today.AddDays(1) })
        {
            foreach (var template in Slots)
            {
                var slot = SlotOn(date, template);
                if (slot.Cutoff > now)
                {
                    result.Add(slot);
                }
            }
        }
        result.Sort((a, b) => a.Start.CompareTo(b.Start));
        return result;
    }

    /// <summary>Parses a public slot id ("yyyy-MM-dd-{templateId}") and checks it can still be booked.</summary>
    public SlotResolution ResolveSlot(string? slotId, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(slotId)
            || slotId.Length < SlotIds.DateLength + 2
            || slotId[SlotIds.DateLength] != '-'
            || !DateOnly.TryParseExact(
                slotId.AsSpan(0, SlotIds.DateLength),
                SlotIds.DateFormat,
                CultureInfo.InvariantCulture,
                DateTimeStyles.None,
                out var date))
        {
            return Fail(SlotResolutionError.Malformed, $"Malformed slot id '{slotId}'; expected yyyy-MM-dd-<slot>, e.g. 2026-11-23-1100.");
        }

        var templateId = slotId[(SlotIds.DateLength + 1)..];
        var template = FindSlotTemplate(templateId);
        if (template is null)
        {
            return Fail(SlotResolutionError.UnknownSlot, $"Unknown slot '{slotId}': market '{Id}' has no delivery slot '{templateId}'.");
        }

        var today = LocalDate(now);
        if (date != today && date != today.AddDays(1))
        {
            return Fail(
                SlotResolutionError.DateNotBookable,
                FormattableString.Invariant($"Slot '{slotId}' cannot be booked: only today ({today:yyyy-MM-dd}) and tomorrow can be booked."));
        }

        var slot = SlotOn(date, template);
        if (slot.Cutoff <= now)
        {
            return Fail(
                SlotResolutionError.PastCutoff,
                FormattableString.Invariant($"Slot '{slotId}' is past its cut-off ({slot.Cutoff:yyyy-MM-dd HH:mm zzz})."));
        }

        return new SlotResolution(slot, SlotResolutionError.None, string.Empty);

        static SlotResolution Fail(SlotResolutionError error, string message) => new(null, error, message);
    }

    /// <summary>
    /// Like <see cref="ResolveSlot"/>; on failure <paramref name="error"/> explains why
    /// (malformed id, unknown slot, date not today/tomorrow, or past its cut-off). Empty on success.
    /// </summary>
    public bool TryResolveSlot(string? slotId, DateTimeOffset now, [MaybeNullWhen(false)] out BookableSlot slot, out string error)
    {
        var resolution = ResolveSlot(slotId, now);
        slot = resolution.Slot;
        error = resolution.Message;
        return resolution.Succeeded;
    }
}
