using System.Collections.Immutable;
using MarketDelivery.Contracts.Common;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Markets;

namespace MarketDelivery.Domain.Orders;

/// <summary>One ordered product and, once its stall has confirmed, what was really picked.</summary>
[GenerateSerializer, Alias("md.OrderLine")]
public sealed class OrderLine
{
    [Id(0)] public int LineNo { get; init; }
    [Id(1)] public string StallId { get; init; } = "";
    [Id(2)] public string Sku { get; init; } = "";
    [Id(3)] public string Name { get; init; } = "";
    [Id(4)] public string Unit { get; init; } = "";
    [Id(5)] public int Quantity { get; init; }
    [Id(6)] public long UnitPriceWon { get; init; }
    [Id(7)] public int UnitWeightGrams { get; init; }
    [Id(8)] public Substitution Substitution { get; init; } = Substitution.None;
    [Id(9)] public PickResultView? Pick { get; set; }
    [Id(10)] public int PickedUnitWeightGrams { get; set; }
    /// <summary>The merchant's substitute as offered to the customer, and the customer's decision; null when not substituted.</summary>
    [Id(11)] public SubstitutionProposal? Proposal { get; set; }

    public long LineTotalWon => Quantity * UnitPriceWon;

    /// <summary>What the customer pays for the line: the ordered amount until it is picked.</summary>
    public long ChargedWon => Pick?.ChargedWon ?? LineTotalWon;

    public int WeightGrams => Pick is null ? Quantity * UnitWeightGrams : Pick.PickedQuantity * PickedUnitWeightGrams;

    public OrderLineView ToView() =>
        new(LineNo, StallId, Sku, Name, Unit, Quantity, UnitPriceWon, LineTotalWon, Substitution, Pick, Proposal);
}

/// <summary>One stall's share of an order, picked and confirmed by its merchant.</summary>
[GenerateSerializer, Alias("md.PickTicket")]
public sealed class PickTicket
{
    [Id(0)] public string TicketId { get; init; } = "";
    [Id(1)] public string StallId { get; init; } = "";
    [Id(2)] public string StallName { get; init; } = "";
    [Id(3)] public PickTicketStatus Status { get; set; }
    [Id(4)] public DateTimeOffset? ConfirmedAt { get; set; }
    /// <summary>The merchant's confirmation as received, sorted by sku, to recognise a retry.</summary>
    [Id(5)] public ImmutableArray<PickConfirmation> Confirmation { get; set; } = [];
    [Id(6)] public int Version { get; set; }
}

/// <summary>
/// The order aggregate, also the order grain's persisted state. Money is whole won; totals are computed from the
/// lines, never stored or taken from a client. Every change bumps <see cref="Version"/>.
/// </summary>
[GenerateSerializer, Alias("md.Order")]
public sealed class Order
{
    [Id(0)] public string OrderId { get; private set; } = "";
    [Id(1)] public string CustomerId { get; private set; } = "";
    [Id(2)] public string MarketId { get; private set; } = "";
    [Id(3)] public OrderStatus Status { get; private set; }
    [Id(4)] public string? StatusReason { get; private set; }
    [Id(5)] public string SlotId { get; private set; } = "";
    [Id(6)] public DateTimeOffset SlotStart { get; private set; }
    [Id(7)] public DateTimeOffset SlotEnd { get; private set; }
    [Id(8)] public DeliveryAddress DeliveryAddress { get; private set; } = new(0, 0, "");
    [Id(9)] public List<OrderLine> Lines { get; private set; } = [];
    [Id(10)] public List<PickTicket> Tickets { get; private set; } = [];
    [Id(11)] public string Fingerprint { get; private set; } = "";
    [Id(12)] public DateTimeOffset PlacedAt { get; private set; }
    [Id(13)] public DateTimeOffset UpdatedAt { get; private set; }
    [Id(14)] public int Version { get; private set; }
    /// <summary>The code the customer shows the courier at the door.</summary>
    [Id(15)] public string DeliveryCode { get; private set; } = "";
    /// <summary>Fish or meat on board: dispatch bounds its ride time.</summary>
    [Id(16)] public bool Fresh { get; private set; }
    [Id(17)] public DateTimeOffset? ReadyAt { get; private set; }
    [Id(18)] public string? CourierId { get; private set; }
    [Id(19)] public DateTimeOffset? Eta { get; private set; }
    [Id(20)] public string? PlanNote { get; private set; }
    [Id(21)] public DateTimeOffset? PickedUpAt { get; private set; }
    [Id(22)] public DateTimeOffset? DeliveredAt { get; private set; }
    [Id(23)] public string? Proof { get; private set; }
    /// <summary>Delivery photos uploaded for the order (at most <see cref="DeliveryRules.MaxPhotosPerOrder"/>).</summary>
    [Id(24)] public List<string> PhotoIds { get; private set; } = [];
    /// <summary>Wrong delivery codes in a row since the last lock-out or right code.</summary>
    [Id(25)] public int WrongCodes { get; private set; }
    /// <summary>Delivery codes are refused until then (after too many wrong ones); a photo proof is still taken.</summary>
    [Id(26)] public DateTimeOffset? CodesLockedUntil { get; private set; }

    public bool IsPlaced => Version > 0;

    /// <summary>How long a customer has to approve or reject a substitute unless configured otherwise.</summary>
    public static readonly TimeSpan DefaultApprovalWindow = TimeSpan.FromMinutes(10);

    /// <summary>Lines whose substitute still waits for the customer's decision.</summary>
    public IEnumerable<OrderLine> PendingProposals => Lines.Where(l => l.Proposal is { IsPending: true });

    /// <summary>When the next pending substitute expires, or null when none is pending.</summary>
    public DateTimeOffset? NextProposalExpiry => PendingProposals.Select(l => (DateTimeOffset?)l.Proposal!.ExpiresAt).Min();

    public long OrderedTotalWon => Lines.Sum(l => l.LineTotalWon);

    public long ChargedTotalWon => Status == OrderStatus.Cancelled ? 0 : Lines.Sum(l => l.ChargedWon);

    public long RefundWon => OrderedTotalWon - ChargedTotalWon;

    public int WeightGrams => Lines.Sum(l => l.WeightGrams);

    /// <summary>One bag per stall: each merchant packs their own.</summary>
    public int Bags => Math.Max(1, Tickets.Count(t => t.Status != PickTicketStatus.Cancelled));

    /// <summary>Stall categories whose goods must not ride long.</summary>
    public static readonly IReadOnlySet<string> FreshCategories = new HashSet<string> { "수산", "정육", "닭/계란" };

    /// <summary>Creates the order from a validated basket: one pick ticket per stall, in the order stalls first appear.</summary>
    public static Order Create(string orderId, ValidatedOrder validated, DateTimeOffset now)
    {
        var order = new Order
        {
            OrderId = orderId,
            CustomerId = validated.Command.CustomerId,
            MarketId = validated.Market.Id,
            Status = OrderStatus.Placed,
            SlotId = validated.Slot.SlotId,
            SlotStart = validated.Slot.Start,
            SlotEnd = validated.Slot.End,
            DeliveryAddress = validated.Command.DeliveryAddress,
            Fingerprint = validated.Fingerprint,
            PlacedAt = now,
            UpdatedAt = now,
            Version = 1,
            DeliveryCode = System.Security.Cryptography.RandomNumberGenerator.GetInt32(0, 10_000).ToString("D4", System.Globalization.CultureInfo.InvariantCulture),
            Fresh = validated.Lines.Any(l => FreshCategories.Contains(l.Stall.Category)),
        };

        foreach (var line in validated.Lines)
        {
            order.Lines.Add(new OrderLine
            {
                LineNo = line.LineNo,
                StallId = line.Stall.Id,
                Sku = line.Product.Sku,
                Name = line.Product.Name,
                Unit = line.Product.Unit,
                Quantity = line.Quantity,
                UnitPriceWon = line.Product.PriceWon,
                UnitWeightGrams = line.Product.WeightGrams,
                Substitution = line.Substitution,
            });
        }

        foreach (var stall in validated.Lines.Select(l => l.Stall).DistinctBy(s => s.Id))
        {
            order.Tickets.Add(new PickTicket
            {
                TicketId = OrderIds.TicketId(orderId, order.Tickets.Count + 1),
                StallId = stall.Id,
                StallName = stall.Name,
                Status = PickTicketStatus.Open,
                Version = 1,
            });
        }

        return order;
    }

    public PickTicket? FindTicket(string ticketId) => Tickets.Find(t => t.TicketId == ticketId);

    /// <summary>
    /// Applies a merchant's confirmation of a whole ticket. Every line of the ticket must be confirmed exactly once.
    /// Repeating the same confirmation is harmless; a different one after the first is refused.
    /// </summary>
    /// <remarks>
    /// A substituted line becomes a proposal the customer approves or rejects within <paramref name="approvalWindow"/>
    /// (default <see cref="DefaultApprovalWindow"/>). Meanwhile the line is charged as substituted and the order can
    /// become ready and be planned (the bag is packed with the substitute); the decision only changes charge and refund.
    /// </remarks>
    public CommandResult<TicketConfirmation> ConfirmTicket(string stallId, string ticketId, IReadOnlyList<PickConfirmation> confirmations, Stall stall, DateTimeOffset now, TimeSpan? approvalWindow = null)
    {
        var ticket = FindTicket(ticketId);
        if (ticket is null)
        {
            return CommandError.NotFound($"There is no ticket '{ticketId}'.");
        }

        if (ticket.StallId != stallId)
        {
            return CommandError.NotFound($"Ticket '{ticketId}' is not a ticket of stall '{stallId}'.");
        }

        var normalized = confirmations.OrderBy(c => c?.Sku, StringComparer.Ordinal).ToImmutableArray();
        switch (ticket.Status)
        {
            case PickTicketStatus.Cancelled:
                return CommandError.Conflict($"Ticket '{ticketId}' was cancelled with its order: {StatusReason}");
            case PickTicketStatus.Confirmed when normalized.SequenceEqual(ticket.Confirmation):
                return CommandResult<TicketConfirmation>.Ok(new TicketConfirmation(TicketView(ticket), Status, Replayed: true));
            case PickTicketStatus.Confirmed:
                return CommandError.Conflict($"Ticket '{ticketId}' was already confirmed at {ticket.ConfirmedAt:u} with different quantities; it cannot be confirmed again.");
        }

        var ticketLines = Lines.Where(l => l.StallId == ticket.StallId).ToList();
        var picks = new Dictionary<OrderLine, PickResultView>();
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < confirmations.Count; i++)
        {
            var c = confirmations[i];
            var line = ticketLines.Find(l => l.Sku == c?.Sku);
            string? problem;
            if (c is null)
            {
                problem = "The line is empty.";
            }
            else if (line is null)
            {
                problem = $"The ticket has no line for '{c.Sku}'.";
            }
            else if (picks.ContainsKey(line))
            {
                problem = $"'{c.Sku}' is confirmed twice.";
            }
            else
            {
                (var pick, problem) = Pick(line, c, stall);
                if (pick is not null)
                {
                    picks[line] = pick;
                }
            }

            if (problem is not null)
            {
                errors[$"lines[{i}]"] = [problem];
            }
        }

        var missing = ticketLines.Where(l => !picks.ContainsKey(l) && !confirmations.Any(c => c?.Sku == l.Sku)).Select(l => l.Sku).ToList();
        if (missing.Count > 0)
        {
            errors["lines"] = [$"Every line must be confirmed; missing: {string.Join(", ", missing)}."];
        }

        if (errors.Count > 0)
        {
            return CommandError.Invalid(errors);
        }

        foreach (var (line, pick) in picks)
        {
            line.Pick = pick;
            line.PickedUnitWeightGrams = pick.Sku == line.Sku
                ? line.UnitWeightGrams
                : stall.FindProduct(pick.Sku)?.WeightGrams ?? line.UnitWeightGrams;
            line.Proposal = pick.Outcome == PickOutcome.Substituted
                ? new SubstitutionProposal(pick, ProposalStatus.Pending, now, now + (approvalWindow ?? DefaultApprovalWindow))
                : null;
        }

        ticket.Status = PickTicketStatus.Confirmed;
        ticket.ConfirmedAt = now;
        ticket.Confirmation = normalized;
        ticket.Version++;

        if (Tickets.All(t => t.Status == PickTicketStatus.Confirmed))
        {
            if (ChargedTotalWon == 0)
            {
                MoveTo(OrderStatus.Cancelled, "Nothing in the order could be picked; the whole amount is refunded.", now);
            }
            else
            {
                ReadyAt = now;
                MoveTo(OrderStatus.ReadyForPickup, null, now);
            }
        }
        else if (Status == OrderStatus.Placed)
        {
            MoveTo(OrderStatus.Picking, null, now);
        }
        else
        {
            Touch(now);
        }

        return CommandResult<TicketConfirmation>.Ok(new TicketConfirmation(TicketView(ticket), Status, Replayed: false));
    }

    /// <summary>Works out one line's pick: picked, short, not available or substituted, and what it costs.</summary>
    private static (PickResultView? Pick, string? Problem) Pick(OrderLine line, PickConfirmation c, Stall stall)
    {
        if (c.PickedQuantity < 0)
        {
            return (null, "The picked quantity cannot be negative.");
        }

        if (c.PickedQuantity > line.Quantity)
        {
            return (null, $"{c.PickedQuantity} picked but only {line.Quantity} ordered.");
        }

        if (string.IsNullOrEmpty(c.SubstituteSku))
        {
            var outcome = c.PickedQuantity == line.Quantity ? PickOutcome.Picked
                : c.PickedQuantity == 0 ? PickOutcome.NotAvailable : PickOutcome.Short;
            var charged = c.PickedQuantity * line.UnitPriceWon;
            return (new PickResultView(outcome, line.Sku, line.Name, c.PickedQuantity, line.UnitPriceWon, charged, line.LineTotalWon - charged), null);
        }

        switch (line.Substitution.Kind)
        {
            case SubstitutionKind.None:
                return (null, $"The customer does not accept a substitute for {line.Name}.");
            case SubstitutionKind.Specific when line.Substitution.Sku != c.SubstituteSku:
                return (null, $"The customer accepts only '{line.Substitution.Sku}' as a substitute for {line.Name}.");
        }

        if (c.SubstituteSku == line.Sku)
        {
            return (null, "A product cannot substitute for itself.");
        }

        var substitute = stall.FindProduct(c.SubstituteSku);
        if (substitute is null)
        {
            return (null, $"Stall {stall.Name} has no product '{c.SubstituteSku}'.");
        }

        if (c.PickedQuantity == 0)
        {
            return (null, "A substitution needs a picked quantity of at least 1.");
        }

        // The customer authorised the ordered amount: a dearer substitute is charged at most that.
        var subCharged = Math.Min(c.PickedQuantity * substitute.PriceWon, line.LineTotalWon);
        return (new PickResultView(PickOutcome.Substituted, substitute.Sku, substitute.Name, c.PickedQuantity, substitute.PriceWon, subCharged, line.LineTotalWon - subCharged), null);
    }

    /// <summary>Records the plan's courier and ETA. Returns false when nothing changed, so no write is needed.</summary>
    public bool PlanDelivery(string? courierId, DateTimeOffset? eta, string? note, DateTimeOffset now)
    {
        if (Status is not (OrderStatus.Placed or OrderStatus.Picking or OrderStatus.ReadyForPickup or OrderStatus.OutForDelivery)
            || (Status == OrderStatus.OutForDelivery && courierId != CourierId))
        {
            return false; // a finished order, or a plan that has not caught up with a pick-up: ignore
        }

        if (CourierId == courierId && Eta == eta && PlanNote == note)
        {
            return false;
        }

        (CourierId, Eta, PlanNote) = (courierId, eta, note);
        Touch(now);
        return true;
    }

    /// <summary>
    /// Refuses a courier the order is neither planned for nor carried by: only the courier dispatch assigned (or who
    /// holds the bags) may pick it up, hand it over, report it failed or photograph it.
    /// </summary>
    public CommandError? NotAssignedTo(string courierId, string action) =>
        CourierId == courierId
            ? null
            : CommandError.Conflict(CourierId is null
                ? $"Order {OrderId} is not assigned to any courier; courier {courierId} cannot {action} it."
                : $"Order {OrderId} is assigned to courier {CourierId}, not {courierId}; only that courier can {action} it.");

    public CommandError? PickUp(string courierId, DateTimeOffset now)
    {
        if (Status == OrderStatus.OutForDelivery && CourierId == courierId)
        {
            return null; // a repeated tap on the courier's phone
        }

        if (Status == OrderStatus.ReadyForPickup && NotAssignedTo(courierId, "pick up") is { } notYours)
        {
            return notYours;
        }

        if (Status != OrderStatus.ReadyForPickup)
        {
            return CommandError.Conflict(Status is OrderStatus.Placed or OrderStatus.Picking
                ? $"Order {OrderId} is not ready: stalls are still picking."
                : OrderStateMachine.Refusal(Status, OrderStatus.OutForDelivery));
        }

        // The bags leave the market: a substitute nobody approved is handed over but not charged (refunded as expired).
        foreach (var line in PendingProposals.ToList())
        {
            Settle(line, ProposalStatus.Expired, now);
        }

        CourierId = courierId;
        PickedUpAt = now;
        MoveTo(OrderStatus.OutForDelivery, null, now);
        return null;
    }

    /// <summary>
    /// The customer approves or rejects the substitute of line <paramref name="lineNo"/>. A rejected substitute is
    /// refunded (the line counts as not available). Repeating the decision already taken is harmless; deciding a
    /// proposal that expired or was decided the other way is a conflict. Expired proposals are settled by
    /// <see cref="ExpireProposals"/> before this is called; one past its time here is refused as expired all the same.
    /// </summary>
    public CommandError? DecideSubstitution(int lineNo, bool approve, DateTimeOffset now)
    {
        var line = Lines.Find(l => l.LineNo == lineNo);
        if (line is null)
        {
            return CommandError.NotFound($"Order {OrderId} has no line {lineNo}.");
        }

        if (line.Proposal is not { } proposal)
        {
            return CommandError.Conflict($"Line {lineNo} ({line.Name}) has no substitute to approve or reject.");
        }

        var wanted = approve ? ProposalStatus.Approved : ProposalStatus.Rejected;
        if (proposal.Status == wanted)
        {
            return null; // a repeated tap: nothing changes
        }

        if (proposal.Status == ProposalStatus.Expired || (proposal.IsPending && now >= proposal.ExpiresAt))
        {
            return CommandError.Conflict($"The substitute {proposal.Offered.Name} for {line.Name} was not decided by {proposal.ExpiresAt:u}; it has been refunded.");
        }

        if (!proposal.IsPending)
        {
            return CommandError.Conflict($"The substitute {proposal.Offered.Name} for {line.Name} was already {proposal.Status.ToString().ToLowerInvariant()}.");
        }

        Settle(line, wanted, now);
        AfterRefunds(now);
        return null;
    }

    /// <summary>Settles every pending proposal whose time is up as expired (refunded). False when none was due.</summary>
    public bool ExpireProposals(DateTimeOffset now)
    {
        var due = PendingProposals.Where(l => now >= l.Proposal!.ExpiresAt).ToList();
        foreach (var line in due)
        {
            Settle(line, ProposalStatus.Expired, now);
        }

        if (due.Count > 0)
        {
            AfterRefunds(now);
        }

        return due.Count > 0;
    }

    /// <summary>Records a decision; a refused substitute makes the line not available. The stall's ticket shows it.</summary>
    private void Settle(OrderLine line, ProposalStatus status, DateTimeOffset now)
    {
        line.Proposal = line.Proposal! with { Status = status, DecidedAt = now };
        if (status is ProposalStatus.Rejected or ProposalStatus.Expired)
        {
            line.Pick = new PickResultView(PickOutcome.NotAvailable, line.Sku, line.Name, 0, line.UnitPriceWon, 0, line.LineTotalWon);
        }

        if (Tickets.Find(t => t.StallId == line.StallId) is { } ticket)
        {
            ticket.Version++;
        }
    }

    /// <summary>After a refund at the market: an order left with nothing to charge is cancelled, as at picking.</summary>
    private void AfterRefunds(DateTimeOffset now)
    {
        if (Status is OrderStatus.ReadyForPickup && ChargedTotalWon == 0)
        {
            MoveTo(OrderStatus.Cancelled, "Nothing in the order could be picked or every substitute was refused; the whole amount is refunded.", now);
        }
        else
        {
            Touch(now);
        }
    }

    /// <summary>
    /// Hands the order over with proof: the customer's code, or a photo uploaded for this order. After
    /// <see cref="DeliveryRules.MaxCodeAttempts"/> wrong codes, codes are refused for <see cref="DeliveryRules.CodeLockout"/>
    /// (a refusal of kind <see cref="ErrorKind.TooManyAttempts"/>), while a photo proof is still taken. A wrong code
    /// changes <see cref="WrongCodes"/> and <see cref="CodesLockedUntil"/> without a new <see cref="Version"/>: the
    /// caller stores them although the command is refused.
    /// </summary>
    public CommandError? Deliver(string courierId, DeliveryProof proof, DeliveryRules rules, DateTimeOffset now)
    {
        if (Status == OrderStatus.Delivered && CourierId == courierId)
        {
            return null;
        }

        if (NotAssignedTo(courierId, "deliver") is { } notYours)
        {
            return notYours;
        }

        if (Status != OrderStatus.OutForDelivery)
        {
            return CommandError.Conflict(OrderStateMachine.Refusal(Status, OrderStatus.Delivered));
        }

        if (!string.IsNullOrWhiteSpace(proof.DeliveryCode))
        {
            if (CodesLockedUntil is { } until && until > now)
            {
                return CodesLocked(until, now);
            }

            if (proof.DeliveryCode.Trim() != DeliveryCode)
            {
                WrongCodes++;
                if (WrongCodes >= rules.MaxCodeAttempts)
                {
                    WrongCodes = 0;
                    CodesLockedUntil = now + rules.CodeLockout;
                    return CodesLocked(CodesLockedUntil.Value, now);
                }

                var left = rules.MaxCodeAttempts - WrongCodes;
                return CommandError.Invalid($"The delivery code does not match the customer's code; {left} attempt(s) left before codes for this order are refused for a while.", "deliveryCode");
            }

            WrongCodes = 0;
            CodesLockedUntil = null;
            Proof = "code";
        }
        else if (!string.IsNullOrWhiteSpace(proof.PhotoRef))
        {
            var photoId = proof.PhotoRef.Trim();
            if (!PhotoIds.Contains(photoId))
            {
                return CommandError.Unprocessable($"No photo '{photoId}' was uploaded for order {OrderId}; upload the photo first and use the photoId it answers.", "photoRef");
            }

            Proof = $"photo:{photoId}";
        }
        else
        {
            return CommandError.Invalid("A delivery needs proof: the customer's delivery code or an uploaded photo.", "deliveryCode");
        }

        DeliveredAt = now;
        Eta = null;
        MoveTo(OrderStatus.Delivered, null, now);
        return null;
    }

    private CommandError CodesLocked(DateTimeOffset until, DateTimeOffset now) =>
        CommandError.TooManyAttempts(
            $"Too many wrong delivery codes for order {OrderId}: codes are refused until {until:u}. A photo of the hand-over is still accepted.",
            until - now);

    /// <summary>
    /// Records a delivery photo of the courier the order is planned for or carried by, while it is ready or out for
    /// delivery. The same photo again changes nothing; beyond <see cref="DeliveryRules.MaxPhotosPerOrder"/> photos the
    /// upload is refused.
    /// </summary>
    public CommandError? AddPhoto(string courierId, string photoId, DeliveryRules rules, DateTimeOffset now)
    {
        if (PhotoRefusal(courierId, photoId, rules) is { } refused)
        {
            return refused;
        }

        if (PhotoIds.Contains(photoId))
        {
            return null;
        }

        PhotoIds.Add(photoId);
        Touch(now);
        return null;
    }

    /// <summary>Why <see cref="AddPhoto"/> would refuse this photo, or null; changes nothing.</summary>
    public CommandError? PhotoRefusal(string courierId, string photoId, DeliveryRules rules)
    {
        if (NotAssignedTo(courierId, "add a delivery photo to") is { } notYours)
        {
            return notYours;
        }

        if (PhotoIds.Contains(photoId))
        {
            return null;
        }

        if (Status is not (OrderStatus.ReadyForPickup or OrderStatus.OutForDelivery))
        {
            return CommandError.Conflict($"Order {OrderId} is {Status}: delivery photos are taken while it is out for delivery.");
        }

        return PhotoIds.Count >= rules.MaxPhotosPerOrder
            ? CommandError.Conflict($"Order {OrderId} already has {PhotoIds.Count} photos, the most one order keeps.")
            : null;
    }

    public CommandError? FailDelivery(string courierId, string reason, DateTimeOffset now)
    {
        if (NotAssignedTo(courierId, "report a failed delivery of") is { } notYours)
        {
            return notYours;
        }

        if (Status != OrderStatus.OutForDelivery)
        {
            return CommandError.Conflict(OrderStateMachine.Refusal(Status, OrderStatus.DeliveryFailed));
        }

        Eta = null;
        MoveTo(OrderStatus.DeliveryFailed, string.IsNullOrWhiteSpace(reason) ? "The customer could not be reached." : reason, now);
        return null;
    }

    /// <summary>A returned order goes out again: back to ready, to be planned anew.</summary>
    public CommandError? Requeue(DateTimeOffset now)
    {
        if (Status != OrderStatus.DeliveryFailed)
        {
            return CommandError.Conflict(OrderStateMachine.Refusal(Status, OrderStatus.ReadyForPickup));
        }

        CourierId = null;
        PickedUpAt = null;
        // The next courier proves their own hand-over: photos of the failed attempt stay stored, but are no proof.
        PhotoIds.Clear();
        ReadyAt = now;
        MoveTo(OrderStatus.ReadyForPickup, "Returned to the market and sent out again.", now);
        return null;
    }

    /// <summary>Cancels the order while it is still at the market; open tickets are withdrawn from their stalls.</summary>
    public CommandError? Cancel(string reason, DateTimeOffset now)
    {
        if (!OrderStateMachine.CanMove(Status, OrderStatus.Cancelled))
        {
            return CommandError.Conflict(OrderStateMachine.Refusal(Status, OrderStatus.Cancelled));
        }

        foreach (var ticket in Tickets.Where(t => t.Status == PickTicketStatus.Open))
        {
            ticket.Status = PickTicketStatus.Cancelled;
            ticket.Version++;
        }

        // A confirmed ticket stays confirmed, but its row must learn that the order is off (takings, the tablet).
        foreach (var ticket in Tickets.Where(t => t.Status == PickTicketStatus.Confirmed))
        {
            ticket.Version++;
        }

        // Nothing is charged any more: a substitute still waiting needs no decision.
        foreach (var line in PendingProposals.ToList())
        {
            Settle(line, ProposalStatus.Expired, now);
        }

        MoveTo(OrderStatus.Cancelled, string.IsNullOrWhiteSpace(reason) ? "Cancelled." : reason, now);
        return null;
    }

    /// <summary>Moves the order to another status, refusing moves the state machine does not allow.</summary>
    public CommandError? TryMoveTo(OrderStatus to, string? reason, DateTimeOffset now)
    {
        if (!OrderStateMachine.CanMove(Status, to))
        {
            return CommandError.Conflict(OrderStateMachine.Refusal(Status, to));
        }

        MoveTo(to, reason, now);
        return null;
    }

    private void MoveTo(OrderStatus to, string? reason, DateTimeOffset now)
    {
        if (!OrderStateMachine.CanMove(Status, to))
        {
            throw new InvalidOperationException(OrderStateMachine.Refusal(Status, to));
        }

        Status = to;
        StatusReason = reason;
        Touch(now);
    }

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }

    public OrderView ToView() => new(
        OrderId, CustomerId, MarketId, Status, SlotId, SlotStart, SlotEnd, DeliveryAddress,
        [.. Lines.Select(l => l.ToView())],
        [.. Tickets.Select(t => new PickTicketRef(t.TicketId, t.StallId, t.StallName, t.Status))],
        OrderedTotalWon, ChargedTotalWon, RefundWon, PlacedAt, UpdatedAt, StatusReason,
        new DeliveryInfo(DeliveryCode, CourierId, Eta, ReadyAt, PickedUpAt, DeliveredAt, Proof, PlanNote), Version);

    public PickTicketView TicketView(PickTicket ticket)
    {
        var lines = Lines.Where(l => l.StallId == ticket.StallId).ToList();
        return new PickTicketView(
            ticket.TicketId, OrderId, MarketId, ticket.StallId, SlotId, SlotStart, SlotEnd, ticket.Status,
            [.. lines.Select(l => new PickTicketLineView(l.Sku, l.Name, l.Unit, l.Quantity, l.UnitPriceWon, l.Substitution, l.Pick, l.Proposal))],
            lines.Sum(l => l.LineTotalWon), PlacedAt, ticket.ConfirmedAt, ticket.Version);
    }

    public OrderSummary ToSummary() => new(
        OrderId, MarketId, SlotId, SlotStart, SlotEnd, Status, new GeoPosition(DeliveryAddress.Lat, DeliveryAddress.Lon),
        Tickets.Count(t => t.Status == PickTicketStatus.Open), ChargedTotalWon, WeightGrams, UpdatedAt, Version,
        Bags, Fresh, ReadyAt, CourierId, PlacedAt);
}
