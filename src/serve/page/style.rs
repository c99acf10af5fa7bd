//! The page's one stylesheet (inline: the CSP allows inline styles and nothing else).
//!
//! Wide screens get a table; below 640 px each row of a problem becomes a card (name and
//! health first, empty cells left out), and the folded healthy rows, when opened, one
//! line each.

/// The stylesheet.
pub(super) const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:.8rem;color:#222}\
h1{font-size:1.2rem;margin:0}h1 small,h2 small{font-weight:normal;color:#666}\
h2{font-size:1rem;margin:1rem 0 .3rem}#summary{margin:.3rem 0}\
#attention{margin:.3rem 0;padding:.3rem .5rem;background:#fee;border-left:4px solid #b00}\
#attention.fine{background:#efe;border-color:#060}#attention .word{font-weight:bold;color:#b00}\
#notes{margin:.3rem 0;padding-left:1.2rem;color:#840}\
form{margin:.3rem 0;font-size:.9rem}form label{white-space:nowrap}input{max-width:13rem}\
.meta{color:#666;font-size:.8rem;margin:.3rem 0}\
table{border-collapse:collapse;width:100%}\
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}\
th a{color:inherit;text-decoration:none}\
td.message,td.next-step{max-width:28rem;overflow-wrap:anywhere}td.cluster{overflow-wrap:anywhere}\
small.why{display:block;font-weight:normal;color:#666}\
tr.bad td.health{color:#b00;font-weight:bold}tr.warn td.health{color:#a60;font-weight:bold}\
tr.ok td.health{color:#060}\
td.failure{color:#b00;font-weight:bold}td.running{color:#05a}td.success{color:#060}\
details{margin:.3rem 0}summary{cursor:pointer;color:#444;padding:.2rem 0}\
@media (max-width:640px){thead{display:none}table,tbody,td{display:block;width:auto}\
tr{display:flex;flex-direction:column;border:1px solid #ccc;border-radius:.4rem;margin:.4rem 0;padding:.3rem}\
td{border:none;padding:.1rem .3rem}td::before{content:attr(data-label) \": \";color:#666}\
td.none{display:none}td.cluster{order:-2;font-weight:bold}td.cluster::before{content:none}\
td.health{order:-1}\
.rest tr{flex-direction:row;flex-wrap:wrap;gap:0 .6rem;margin:0;padding:.2rem 0;border:none;\
border-bottom:1px solid #ddd;border-radius:0}\
.rest td{display:none}.rest td.cluster,.rest td.version,.rest td.health{display:block}\
.rest td::before{content:none}}";
