import { RedisModule } from '../../kernel';

@RedisModule({ name: 'lists' })
export default class ListsModule {}
