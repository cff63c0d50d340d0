/// The elements of one repeated path that the parser hands over as each one closes instead of
/// attaching them to the tree, so a response listing a thousand items is decoded one item at a
/// time: the document tree never holds the whole list (docs/design.md section 12, the drift pass).
struct XMLDetachedElements {
    /// Local names from the root element down to the repeated element, e.g.
    /// `["GetAccountAuthorizationDetailsResponse", "GetAccountAuthorizationDetailsResult", "RoleDetailList", "member"]`.
    var path: [String]
    /// Decodes one element; the first error it throws fails the whole document.
    var consume: (ParsedXMLElement) throws(XMLDecodingError) -> Void

    init(path: [String], consume: @escaping (ParsedXMLElement) throws(XMLDecodingError) -> Void) {
        self.path = path
        self.consume = consume
    }
}
