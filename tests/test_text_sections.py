"""The story region of a text dump across its own code listings, tables and listicle
items, and not into the comment thread under it (``boundary_rules``)."""

from __future__ import annotations

from cleaners.page import analyse_decoded

S1 = ("Before you tune anything, you need to understand how the database runs a query, "
      "because every query goes through the parser, the planner and the executor in turn.")
S2 = ("The first step is to find out what your query actually does, and the planner will "
      "tell you that when you ask it to explain the plan it chose and to time each step.")
S3 = ("Indexes are the most common way to speed up such queries, but adding them without "
      "thought can hurt the speed of writes, so it is worth checking which ones are used.")
S4 = ("When you have made a change, run the same query again and compare the two plans, "
      "so that you know the change helped and did not only move the cost somewhere else.")
S5 = ("In the end the best tuning is often to rewrite the query itself, and to keep the "
      "statistics of the tables fresh so that the planner can make its choices well.")


def body_of(page: str) -> list[str]:
    _blocks, article = analyse_decoded(page, "text")
    return article.paragraphs


def test_a_code_listing_with_a_date_in_it_does_not_end_the_story() -> None:
    # a tutorial: a paragraph, a listing of plain words and code (one line holds an ISO
    # date, which is no date line between two stories), and the story's next sections
    listing = "\n".join([
        "flowchart LR", "    A[SQL Query] --> B[Parser]", "    B --> C[Query Planner]",
        "    C --> D[Executor]", "    D --> E[Results]", "",
        "EXPLAIN ANALYZE", "SELECT u.name, COUNT(o.id) as order_count", "FROM users u",
        "LEFT JOIN orders o ON u.id = o.user_id", "WHERE u.created_at > '2024-01-01'",
        "GROUP BY u.id, u.name;"])
    page = "\n\n".join(["How to make your database queries faster", S1, listing,
                        "Reading the plan", S2, "Adding indexes", S3, S4, S5])
    body = body_of(page)
    assert all(p in body for p in (S1, S2, S3, S4, S5))


L1 = ("Choosing a first sewing machine is hard, because there are so many of them and the "
      "shops all say that theirs is the one that every beginner should buy this year.")
L2 = ("The key to finding the right one is to know what you want to make with it, and how "
      "much you are willing to pay for the features that you will really use every week.")


def _item(name: str, n: int, long: bool) -> list[str]:
    text = (f"The {name} is a machine that a beginner can learn on in a day, and it has "
            f"{n + 10} stitches, which is more than enough for the projects in this guide.")
    if long:
        text += (" It is sturdy and quiet, it threads itself, and the shops that sell it "
                 "will service it for five years, which is worth a lot when you start out.")
        return [name, "Photo credit: the maker", "Best for: beginners", text,
                "We liked how easy it is to change the presser foot and how clearly the "
                "stitch settings are shown on the dial at the front of the machine."]
    return [name, "Photo credit: the maker", "Best for: beginners", text]


def test_a_listicle_s_short_items_are_no_teaser_list_when_its_prose_resumes() -> None:
    # items of a buying guide: long ones, then two short ones (a name over one short
    # paragraph: a teaser's shape), then long ones again: all of them are the story
    names = ["Janome Classic 40", "Brother Studio 70", "Singer Simple 23", "Juki Compact 12",
             "Bernina First 10", "Elna Easy 55", "Pfaff Select 30"]
    shape = [True, False, False, True, True, True, True]
    items = [line for n, (name, long) in enumerate(zip(names, shape, strict=True))
             for line in _item(name, n, long)]
    page = "\n\n".join(["The best sewing machines for beginners", L1, *items])
    body = body_of(page)
    firsts = [line for line in items if line.startswith("The ")]
    assert all(p in body for p in firsts)


C1 = ("Moving the sofa away from the wall made the whole room feel bigger, and the owners "
      "told us that they now use the corner by the window every single evening.")


def test_a_comment_thread_under_the_story_is_not_the_story() -> None:
    # each reader's post under a name and its age ("1 year ago"): short ones, then long
    # ones, which a listicle's resumed prose would be, but are other people's posts
    posts = []
    for n, long in enumerate([False, False, False, True, True, False, True]):
        post = (f"Reader number {n} wrote that they love these posts and would like to see "
                "the rooms again once the owners have lived in them for a while.")
        if long:
            post += (" We tried the same thing in our own living room last year and it "
                     "worked, although the cables of the lamps were hard to hide, and the "
                     "children kept moving the chairs back against the wall.")
        posts += [f"Reader {n}", "1 year ago", post, str(n + 3)]
    page = "\n\n".join(["Fix it Friday: where to put the sofa", S1.replace("database", "room"),
                        C1, L2, *posts])
    body = body_of(page)
    assert C1 in body
    assert not any(p.startswith("Reader number") for p in body)


T1 = ("We asked a thousand shoppers what matters most to them when they choose a brand, and "
      "the answers below show how much each reason was named across the whole survey.")
T2 = ("Price still leads by far, but a brand's values now matter to almost half of the "
      "shoppers, which is twice as many as when we first ran this survey five years ago.")
T3 = ("For brands, the lesson is that a fair price is not enough on its own, and that "
      "shoppers want to know where the things they buy come from and who made them.")


def test_a_table_of_figures_does_not_end_the_story() -> None:
    # a text dump prints a table one cell to a line: counted items, but no other stories
    table = ["Brand reason", "% of Respondents", "Price of goods", "61.59%",
             "Quality of goods", "45.61%", "Values of the brand", "44.92%", "Convenience",
             "37.50%"]
    page = "\n\n".join(["What shoppers want from a brand", T1, S1, *table, T2, T3, S4])
    body = body_of(page)
    assert all(p in body for p in (T1, S1, T2, T3, S4))


M1 = ("In the spring of that year, a student who had bought the same machine wrote to the "
      "port's maintainer, and the two of them started to share their work on the kernel.")
M2 = ("They did share it: within a month the first changes went back into the tree, and "
      "the port booted to single user mode on three more models of the workstation.")
M3 = ("Looking back, that exchange of mails was the moment the port stopped being one "
      "man's hobby and became a project that other people could build on and test.")


def test_a_prompt_inside_a_quoted_mail_does_not_end_the_story() -> None:
    # the story quotes a mail whose last quoted line asks a question a comment form asks
    mail = "\n".join(["From: Matt Example", "Subject: Re: sneak preview", "",
                      "> just in case the idea of sharing the changes sounded strange,",
                      "> let me say why I think it is a good thing for both of us.",
                      "> what do you think?", "",
                      "I'm a big believer in sharing, absolutely."])
    page = "\n\n".join(["The scariest boot loader code", M1, mail, M2, M3])
    body = body_of(page)
    assert all(p in body for p in (M1, M2, M3))


def test_a_bare_subscribe_button_between_two_sections_does_not_end_the_story() -> None:
    # a blog platform prints "Subscribe now" between a paragraph and the next section
    page = "\n\n".join(["How to make your database queries faster", S1, S2,
                        "How it actually works:", "Subscribe now", "1. You read the plan",
                        "The planner shows each step of the query.",
                        "It also shows how long each step took.", S3, S4, S5])
    body = body_of(page)
    assert all(p in body for p in (S1, S2, S3, S4, S5))
    assert "Subscribe now" not in body


def test_a_one_line_podcast_plug_between_two_sections_does_not_end_the_story() -> None:
    # a guide plugs the site's podcast in one sentence between two of its sections
    page = "\n\n".join(["How to make your database queries faster", S1, S2,
                        "Subscribe to the Database Hour podcast!",
                        "The planner shows each step of the query.",
                        "It also shows how long each step took.", S3, S4, S5])
    body = body_of(page)
    assert all(p in body for p in (S1, S2, S3, S4, S5))
    assert "Subscribe to the Database Hour podcast!" not in body


def test_a_newsletter_form_inside_a_guide_is_crossed_to_its_next_section() -> None:
    # a contents list (read as a menu), then a newsletter's form, then the guide's sections
    contents = "\n".join(f"  • {name}" for name in (
        "Reading the plan", "Adding indexes", "Rewriting the query", "Keeping statistics"))
    form = "\n".join(["Join my newsletter!", "Name*", "[          ]", "Email*",
                      "[          ]", "[Subscribe]"])
    page = "\n\n".join(["How to make your database queries faster", S1, contents, form,
                        "Reading the plan", S2, "Adding indexes", S3, S4, S5])
    body = body_of(page)
    assert all(p in body for p in (S1, S2, S3, S4, S5))
    assert not any(p.startswith(("Name*", "Email*")) for p in body)


def test_a_subscribe_button_after_a_newsletter_pitch_still_ends_the_story() -> None:
    teasers = [line for n in range(3) for line in (
        f"Another headline about a different event number {n}",
        f"A short summary of that other story number {n}, in a sentence.")]
    page = "\n\n".join(["How to make your database queries faster", S1, S2, S3,
                        "Jane Example", "Want more stories like this?",
                        "Every day we send an email with the top stories.", "Subscribe",
                        *teasers])
    body = body_of(page)
    assert S3 in body
    assert not any(p.startswith(("Another headline", "A short summary")) for p in body)


def test_a_listicle_s_spec_sheets_read_as_menus_are_crossed_as_its_items() -> None:
    # each item: a name, a spec sheet of short labels and values (which the menu rules
    # take for a menu) and a paragraph; the sheets share their labels item after item
    items = []
    for n, (name, weight) in enumerate([("Razer Viper", "54g"), ("Roccat Core", "68g"),
                                        ("Corsair Sabre", "36g"), ("Asus Keris", "75g"),
                                        ("Logitech Superlight", "51g")]):
        sheet = "\n".join(["See it at the shop", "Product Specifications", "Connectivity",
                           "Wired", "DPI", f"Up to {n + 8},000", "Weight", weight, "PROS",
                           "Solid build", "Low latency", "CONS", "No lights"])
        items += [f"{n + 1}. {name}", sheet,
                  f"The {name} is a light mouse with an accurate sensor and a cable that "
                  f"does not drag, and at {weight} it is one of the lightest that we have "
                  "tested this year, so it suits players who flick the mouse a lot."]
    page = "\n\n".join(["The best lightweight gaming mice", L1, *items])
    body = body_of(page)
    assert all(p in body for p in items[2::3])


def test_an_events_list_keeps_its_entries_on_both_sides_of_its_longest() -> None:
    # each event: a name, a place, a paragraph and its date; the longest entry stands in
    # the middle, and the dates between the entries do not part them into stories
    entries = []
    for n in range(9):
        text = (f"Summit number {n} brings together the people who run the networks of "
                "mid-sized firms, with two days of talks, workshops and a hall of vendors.")
        if n == 4:
            text += (" This year it adds a day of hands-on labs on cloud security, and a "
                     "track for the people who buy the tools rather than run them.")
        entries += [f"Network Summit {n}", "Atlanta, United States", text,
                    f"March {n + 10}, 2026"]
    page = "\n\n".join(["Top IT conferences in the United States",
                        "A list of upcoming events and tech conferences.", *entries])
    body = body_of(page)
    assert all(p in body for p in entries[2::4])
