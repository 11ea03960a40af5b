//! The strings of browsing the public reports: the map's filters and clusters, the list, the exports and the
//! feeds (the public bundle carries them: they are part of the map page).

use crate::locale::{Locale, Text};

messages! {
    /// Strings of the map's filters, the list view, exports and feeds.
    BrowseMsg {
    Filters => "Filtri", "Filters";
    Kind => "Tipo", "Kind";
    Category => "Categoria", "Category";
    Office => "Ufficio", "Office";
    State => "Stato", "State";
    District => "Quartiere", "District";
    FromMonth => "Dal mese", "From month";
    ToMonth => "Al mese", "To month";
    Search => "Cerca", "Search";
    SearchHint => "Parole del titolo o della descrizione, oppure un codice ricevuta", "Words of the title or description, or a receipt code";
    Any => "Tutti", "Any";
    StateAll => "Tutte", "All";
    StateOpen => "Aperte", "Open";
    StateResolved => "Risolte", "Resolved";
    Apply => "Applica", "Apply";
    Reset => "Azzera i filtri", "Clear filters";
    ListTitle => "Elenco delle segnalazioni", "List of reports";
    ResolvedTitle => "Risolte dal Comune", "Fixed by the municipality";
    ListIntro => "Le segnalazioni pubbliche, le più recenti prima, con gli stessi filtri della mappa.", "The public reports, newest first, with the same filters as the map.";
    ResolvedIntro => "Quello che il Comune ha risolto, le più recenti prima.", "What the municipality fixed, newest first.";
    NextPage => "Successive", "Next";
    FirstPage => "Dall'inizio", "From the start";
    NoneMatch => "Nessuna segnalazione con questi filtri.", "No reports match these filters.";
    SeeAllInList => "Vedi tutte in elenco", "See them all in the list";
    SeeOnMap => "Vedi sulla mappa", "See on the map";
    NewestHere => "Le più recenti in quest'area", "The newest in this area";
    Reports => "segnalazioni", "reports";
    ZoomInHint => "Premi per avvicinare", "Press to zoom in";
    Truncated => "Troppe segnalazioni qui per mostrarle tutte: avvicina la mappa o usa l'elenco.", "Too many reports here to show them all: zoom in or use the list.";
    Download => "Scarica questa vista", "Download this view";
    Feeds => "Feed", "Feeds";
    FeedNew => "Nuove segnalazioni", "New reports";
    FeedResolved => "Segnalazioni risolte", "Resolved reports";
    GoToCode => "Vai a una ricevuta", "Go to a receipt";
    CodeLabel => "Codice ricevuta", "Receipt code";
    Go => "Vai", "Go";
    OnlyMatching => "Solo quelle che corrispondono ai filtri", "Only those matching the filters";
    MapOrList => "Vista", "View";
    MapView => "Mappa", "Map";
    ListView => "Elenco", "List";
    }
}
