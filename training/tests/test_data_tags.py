from foley import tags


def test_vocab_layout_is_pad_unk_then_sorted_tags():
    assert tags.VOCAB[:2] == ('<pad>', '<unk>')
    assert list(tags.VOCAB[2:]) == sorted(tags.VOCAB[2:])
    assert len(set(tags.VOCAB)) == len(tags.VOCAB)
    assert all(t.isalpha() and t.islower() for t in tags.TAGS)


def test_tokenize_plurals_verbs_synonyms_and_unknown_words():
    ids, unknown = tags.tokenize('Heavy RAIN on the doors, creaking; 3 steps and a glorp')
    names = [tags.VOCAB[i] for i in ids]
    assert names == ['heavy', 'rain', 'door', 'creak', 'footsteps', '<unk>']
    assert unknown == ['glorp']


def test_slam_expands_to_door_and_impact_without_duplicates():
    found, unknown = tags.text_to_tags('door slam slam')
    assert found == ['door', 'impact']
    assert unknown == []


def test_stop_words_only_gives_nothing():
    assert tags.tokenize('the sound of a') == ([], [])


def test_doubled_consonant_and_ies_stems():
    assert tags.text_to_tags('dripping')[0] == ['drip']
    assert tags.text_to_tags('dropped')[0] == ['drop']
    assert tags.text_to_tags('closed')[0] == ['close']
    assert tags.text_to_tags('flurries')[0] == ['snow', 'wind']


def test_categories():
    assert tags.category_for(['footsteps', 'gravel']) == 'footsteps'
    assert tags.category_for(['door', 'creak']) == 'door'
    assert tags.category_for(['glass', 'break']) == 'break'
    assert tags.category_for(['heavy', 'rain']) == 'ambience-rain'
    assert tags.category_for(['dog']) == 'animal'
    assert tags.category_for(['wood', 'impact']) == 'impact'
    assert tags.category_for(['glorp']) == 'other'


def test_every_synonym_tag_is_in_the_vocabulary():
    # So the training tokenizer (TOKENIZER, built from text_rules(VOCAB)) is exactly SYNONYMS: nothing dropped.
    assert all(t in tags.TAG_TO_ID for found in tags.SYNONYMS.values() for t in found)
    assert tags.text_rules(tags.VOCAB, 8)['synonyms'] == {w: list(t) for w, t in sorted(tags.SYNONYMS.items())}


def test_a_smaller_vocabulary_drops_the_synonym_tags_it_lacks():
    rules = tags.text_rules(('<pad>', '<unk>', 'door', 'glass'), 4)
    assert rules['synonyms']['slam'] == ['door'] and rules['synonyms']['shatter'] == ['glass']
    assert 'crash' not in rules['synonyms']  # impact and break are both missing
    tokenizer = tags.Tokenizer.from_rules(rules)
    assert tokenizer.encode('Door SLAM, crash!', 4) == ([2, 1, 0, 0], ['door'], ['crash'])


def test_encode_cuts_to_max_tokens_and_reports_the_tags_cut():
    ids, found, unknown = tags.TOKENIZER.encode('metal glass glorp impact splash', 3)
    assert [tags.VOCAB[i] for i in ids] == ['metal', 'glass', '<unk>']
    assert found == ['metal', 'glass'] and unknown == ['glorp', 'impact', 'splash']
